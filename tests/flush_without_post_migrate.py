"""The end of a transactional test without re-running post_migrate every time.

A transactional test (the live server's, or one asking for `transactional_db`) ends with
`flush`: every table is emptied, then post_migrate makes contenttypes and auth create every
content type and permission again -- some 25 queries per app, about a tenth of a second for
each of the few hundred such tests of a run. They create the same rows each time, so the
first flush of a test process sends post_migrate and keeps the rows it made, and every later
flush puts those rows back, same ids. Should an app add a post_migrate receiver of its own,
the signal is sent every time, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session", autouse=True)
def _flush_restores_content_types() -> Iterator[None]:
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.commands import flush
    from django.db.models.signals import post_migrate

    send_post_migrate = flush.emit_post_migrate_signal
    made: dict[str, tuple[list[dict], list[dict]]] = {}

    def post_migrate_or_its_rows(verbosity: int, interactive: bool, db: str, **kwargs) -> Any:
        receivers = post_migrate._live_receivers(None)[0]
        if db not in made or set(receivers) != {create_permissions, create_contenttypes}:
            send_post_migrate(verbosity, interactive, db, **kwargs)
            made[db] = (
                list(ContentType.objects.using(db).values()),
                list(Permission.objects.using(db).values()),
            )
            return
        content_types, permissions = made[db]
        ContentType.objects.using(db).bulk_create([ContentType(**r) for r in content_types])
        Permission.objects.using(db).bulk_create([Permission(**r) for r in permissions])
        ContentType.objects.clear_cache()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "emit_post_migrate_signal", post_migrate_or_its_rows)
        yield
