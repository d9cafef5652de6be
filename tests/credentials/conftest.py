import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.issuers import get_or_create_issuer

BASE = "http://127.0.0.1:8000"


@pytest.fixture
def issuer(db, settings):
    settings.PUBLIC_BASE_URL = BASE
    return get_or_create_issuer(
        slug="uni",
        name="Example <University>",
        url="https://www.example.edu",
        email="b@example.edu",
    )


@pytest.fixture
def issue(issuer):
    def _issue(*, credential_id=None, valid_until=None, subject=None, **kw):
        achievement = kw.pop("achievement", None) or demo.demo_achievement(BASE)
        cid = credential_id or uuid.uuid4()
        return issue_credential(
            issuer=kw.pop("issuer", issuer),
            credential_id=cid,
            achievement=achievement,
            subject=subject or demo.demo_subject(1),
            results=demo.demo_results(achievement),
            evidence=demo.demo_evidence(BASE, str(cid)),
            valid_from=kw.pop("valid_from", timezone.now().replace(microsecond=0)),
            valid_until=valid_until,
        )

    return _issue


def later(days: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
