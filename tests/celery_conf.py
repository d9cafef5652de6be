"""Changing the Celery app's configuration for one block, and leaving nothing of it behind.

The app reads its configuration through to Django's settings (`config_from_object`), so a key
a test never set keeps following settings (and pytest-django's `settings` fixture). Assigning
`app.conf.KEY = old` on the way out would instead pin, for the rest of the run, whatever the
key read at the time -- often a value the test itself had put into settings, such as the broker
URL of a redis-server the test has since killed. So a key that was not set on the app before is
removed again, and the app's kombu pools, which keep the broker URL they were opened with,
are dropped both ways.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


def drop_broker_pools(app: Any) -> None:
    """Let go of the app's broker pools (what Celery does after a fork): the next send takes
    the pools for the broker URL of then.

    They are not closed: both come from kombu's process-wide registry (kombu.pools, one pool per
    broker URL), which hands the same pool out again for that URL, so a closed one would make
    every later send fail ("Acquire on closed pool").
    """
    app.amqp._producer_pool = None
    app._pool = None


@contextlib.contextmanager
def celery_conf(**values: Any) -> Iterator[Any]:
    """Inside the block the Celery app has these conf values (e.g. broker_url=...)."""
    from config.celery import app

    changes = app.conf.changes
    missing = object()
    saved = {key: changes.get(key, missing) for key in values}
    for key, value in values.items():
        app.conf[key] = value
    drop_broker_pools(app)
    try:
        yield app
    finally:
        for key, old in saved.items():
            if old is missing:
                changes.pop(key, None)
            else:
                changes[key] = old
        drop_broker_pools(app)
