"""What a Celery worker does once, before it takes its first task: import the URL modules.

A fresh worker process paid, on its first issuing batch, for importing every URL module (the
credential's `issuer.url` is reversed) and compiling the OB 3.0 schema check (the credentials
app connects that one to the same signal): ~0.2 s, a whole batch's worth of signing
(bench/award.py; ADR 0096). Done in the worker's main process before the pool forks, each
pool process starts with both (and a process the pool replaces is forked warm again).
Nothing here opens a database or network connection: those would be shared by every forked
process.
"""

from __future__ import annotations

from celery.signals import worker_init
from django.urls import get_resolver


def warm_up() -> None:
    """Import the URL configuration's modules, as the first `reverse()` would."""
    get_resolver().reverse_dict  # noqa: B018 - populating it imports every URL module


@worker_init.connect
def _warm_up_before_the_pool_forks(**_kwargs: object) -> None:
    warm_up()
