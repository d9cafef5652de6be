"""Changing the Celery app's configuration for one block, and leaving nothing of it behind.

The app reads its configuration through to Django's settings (`config_from_object`), so a key
a test never set keeps following settings (and pytest-django's `settings` fixture). Assigning
`app.conf.KEY = old` on the way out would instead pin, for the rest of the run, whatever the
key read at the time -- often a value the test itself had put into settings, such as the broker
URL of a redis-server the test has since killed. So a key that was not set on the app before is
removed again, and the kombu pools, which keep the broker URL they were opened with, are
closed and dropped both ways.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


def drop_broker_pools(app: Any) -> None:
    """Close the app's broker connection and producer pools; the next send opens new ones."""
    producers, app.amqp._producer_pool = app.amqp._producer_pool, None
    connections, app._pool = app._pool, None
    for pool in (producers, connections):
        if pool is not None:
            pool.force_close_all()


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
