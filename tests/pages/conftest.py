import os

import pytest

from .world import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture(autouse=True)
def _no_leaked_async_unsafe():
    """The shared `browser_page` fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for the whole process;
    left set, it makes later `check --deploy` subprocesses fail (async.E001). Put it back."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before
