"""Two people confirming the same request at the same moment: one applies it, the other is
told it was decided (the request row is locked while it is decided). Real concurrency needs
PostgreSQL (in-memory SQLite locks the whole table instead)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from audit.models import AuditEvent
from awarding.models import StatusChange
from awarding.status_changes import (
    StatusChangeError,
    confirm_status_change,
    request_status_change,
)
from tests.pages.world import issue, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_confirmations_at_once_apply_the_revocation_once():
    world = make_world()
    award = issue(world, world.learners[0])
    change = request_status_change(
        award=award,
        action=StatusChange.Action.REVOKE,
        private_reason="Submitted by someone else",
        public_category="misconduct",
        actor="lti:1:teacher",
    )

    def confirm(actor: str) -> str:
        try:
            confirm_status_change(change=change, actor=actor, as_qa=True)
            return "confirmed"
        except StatusChangeError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(confirm, ["user:1", "user:2", "user:3", "user:4"]))
    assert outcomes == ["confirmed", "refused", "refused", "refused"]
    assert AuditEvent.objects.filter(action="credential.revoked").count() == 1
    assert AuditEvent.objects.filter(action="status_change.confirmed").count() == 1
