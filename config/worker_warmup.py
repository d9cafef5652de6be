"""What a worker process (Celery's, gunicorn's) does once, before it takes its first task or
request.

- Import the URL modules (`worker_init`, in the worker's main process before the pool
  forks): a fresh process paid, on its first issuing batch, for importing every URL module (the
  credential's `issuer.url` is reversed), ~0.2 s (bench/award.py; ADR 0096). The credentials
  app warms its own part on the same signal (`credentials.process_warmup`).
- Freeze what the main process holds before each pool process is forked
  (`worker_before_create_process`; ADR 0099). Python's full (oldest-generation) garbage
  collection walks every tracked object; in a pool process those are first of all the
  hundreds of thousands of objects of the warmed-up modules: 35-68 ms a full collection,
  which long work such as a large sync runs several times. Frozen objects are never walked
  again, and the pool processes share their pages with the main process instead of writing
  to them (the Python documentation's advice for a process that forks: `gc.freeze`).
- A gunicorn worker (gunicorn.conf.py's `post_worker_init`) imports the URL modules and
  freezes what it holds once its application is loaded, so its first full collection, on
  some launch, does not walk the loaded modules' objects either (ADR 0099).

Nothing here opens a database or network connection: those would be shared by every forked
process.
"""

from __future__ import annotations

import gc

from celery.signals import worker_before_create_process, worker_init
from django.urls import get_resolver


def warm_up() -> None:
    """Import the URL configuration's modules, as the first `reverse()` would."""
    get_resolver().reverse_dict  # noqa: B018 - populating it imports every URL module


def freeze_heap() -> None:
    """Collect what is garbage now, then move every object left to the permanent generation,
    which no collection walks (a frozen garbage cycle would never be freed: collect first)."""
    gc.collect()
    gc.freeze()


@worker_init.connect
def _warm_up_before_the_pool_forks(**_kwargs: object) -> None:
    warm_up()


@worker_before_create_process.connect
def _freeze_before_each_fork(**_kwargs: object) -> None:
    freeze_heap()
