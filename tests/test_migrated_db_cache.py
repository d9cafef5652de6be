"""The kept migrated database (tests/migrated_db_cache.py) is named by what it was made from:
a changed migration or lock names another copy, so a stale one is never loaded; processes
starting together migrate once."""

import sqlite3
import threading

from django.db import connection

from tests import migrated_db_cache


def _tree(tmp_path):
    (tmp_path / "app" / "migrations").mkdir(parents=True)
    (tmp_path / "requirements").mkdir()
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("operations = []\n")
    (tmp_path / "requirements" / "dev.txt").write_text("django==5.2\n")
    return tmp_path


def test_a_changed_migration_or_lock_names_another_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(migrated_db_cache, "ROOT", _tree(tmp_path))
    first = migrated_db_cache._digest()
    assert migrated_db_cache._digest() == first
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("operations = [1]\n")
    second = migrated_db_cache._digest()
    (tmp_path / "app" / "migrations" / "0002_more.py").write_text("operations = []\n")
    third = migrated_db_cache._digest()
    (tmp_path / "requirements" / "dev.txt").write_text("django==5.3\n")
    fourth = migrated_db_cache._digest()
    assert len({first, second, third, fourth}) == 4


def test_this_process_database_holds_every_migration(db):
    """Loaded from a copy or migrated: every migration on disk is recorded as applied."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    assert set(loader.disk_migrations) <= loader.applied_migrations.keys()


def test_keeping_a_copy_replaces_the_stale_one(tmp_path):
    source = sqlite3.connect(":memory:")
    source.execute("CREATE TABLE t (x)")

    class Connection:
        connection = source

    stale = tmp_path / "migrated-old.sqlite3"
    stale.write_bytes(b"")
    copy = tmp_path / "migrated-new.sqlite3"
    migrated_db_cache._keep(Connection, copy)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["migrated-new.sqlite3"]
    tables = sqlite3.connect(copy).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("t",)]


def test_a_process_waits_while_another_migrates(tmp_path):
    """flock excludes every other open of the lock file, another process's or this one's."""
    copy = tmp_path / "test-db" / "migrated-x.sqlite3"
    entered = threading.Event()

    def second():
        with migrated_db_cache.one_migration_at_a_time(copy):
            entered.set()

    with migrated_db_cache.one_migration_at_a_time(copy):
        waiting = threading.Thread(target=second)
        waiting.start()
        assert not entered.wait(0.3)  # held here: the other one waits
    assert entered.wait(5)  # released: it goes on
    waiting.join()
