"""Each test process's SQLite database copied from a migrated one instead of migrated again.

Every test process creates its in-memory test database and runs all migrations on it: ~90
migrations, some 11 s of CPU per process per run, mostly Django rendering model states for
the data migrations (ADR 0069 measured it). The result depends only on the migration files
and the installed packages, so the first process to migrate keeps a copy under
`var/test-db/`, named by a digest of every migration file of the project and of the lock
(third-party apps' migrations come with their versions), and later processes load that copy
into their in-memory database with SQLite's backup API (a few milliseconds) in place of
`migrate`. A changed migration or package changes the name: the stale copy is never read,
and is deleted when the new one is written.

Only for the in-memory SQLite database of `make test`; PostgreSQL (CI) migrates as before.
The post-migrate rows (content types, permissions, the preloaded frameworks) are in the
copy, as they are in the migrated database. TEST_DB_CACHE=0 turns it off.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _digest() -> str:
    sha = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("requirements/*.txt"))
    for path in files:
        sha.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    sha.update(sqlite3.sqlite_version.encode())
    return sha.hexdigest()[:24]


def _cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "test-db"


def _in_memory_sqlite(connection: Any) -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _restore(connection: Any, copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _keep(connection: Any, copy: Path) -> None:
    copy.parent.mkdir(parents=True, exist_ok=True)
    # Two processes may migrate at once: each writes its own file and renames it into place,
    # so a reader never sees half a copy.
    partial = copy.with_name(f"{copy.name}.{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    partial.replace(copy)
    for stale in copy.parent.glob("*.sqlite3"):
        if stale != copy:
            stale.unlink(missing_ok=True)


@contextmanager
def one_migration_at_a_time(copy: Path) -> Iterator[None]:
    """Held while a process looks for the copy and, finding none, migrates and keeps one.

    The test processes start together: without it each found no copy and migrated (~9 s of
    CPU each, on two cores). With it the first migrates and the others wait for its copy and
    load it."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    with open(copy.parent / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def migrate_from_copy() -> Iterator[None]:
    """While the test databases are created: `migrate` on an in-memory SQLite database loads
    the kept copy when there is one and keeps one when there is not."""
    from django.core import management
    from django.db import connections

    if os.environ.get("TEST_DB_CACHE") == "0":
        yield
        return
    call_command = management.call_command
    copy = _cache_dir() / f"migrated-{_digest()}.sqlite3"

    def migrate_or_copy(name: Any, *args: Any, **options: Any) -> Any:
        connection = connections[options.get("database", "default")]
        if name != "migrate" or not _in_memory_sqlite(connection):
            return call_command(name, *args, **options)
        with one_migration_at_a_time(copy):
            if copy.exists():
                _restore(connection, copy)
                return None
            result = call_command(name, *args, **options)
            _keep(connection, copy)
            return result

    management.call_command = migrate_or_copy
    try:
        yield
    finally:
        management.call_command = call_command


class MigrateFromCopy:
    """The pytest plugin: pytest-django's `django_db_setup` runs inside `migrate_from_copy`."""

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef, request: Any) -> Any:
        if fixturedef.argname != "django_db_setup":
            return (yield)
        with migrate_from_copy():
            return (yield)
