"""The QA console's endorsement page: QA endorses, accepts an outside organisation's signed
endorsement (pasted or uploaded), withdraws; only an operator registers organisations; every
page and action is scoped to the QA user's institutions. Public pages show the result."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from awarding.credential_inputs import achievement_url
from awarding.models import Endorsement, Endorser
from tests.awarding.endorser_site import EndorserSite
from tests.pages.world import make_world

from .test_award_pages import qa_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(settings):
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    settings.ENDORSER_LOOPBACK_DIDS = True
    return make_world(), make_world(achievement_name="Their Badge")


@pytest.fixture
def site():
    s = EndorserSite()
    yield s
    s.close()


def _operator(platform) -> User:
    """A superuser who is QA of one institution: the console lets no one in without a QA
    scope, and only a superuser registers organisations (ADR 0075)."""
    operator = qa_user(platform, username="op")
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    return operator


def test_qa_endorses_its_own_achievement_only(client, worlds):
    mine, theirs = worlds
    client.force_login(qa_user(mine.platform))
    page = client.get("/qa/endorsements/").content.decode()
    assert mine.achievement.name in page and "Their Badge" not in page

    refused = client.post(
        "/qa/endorsements/endorse", {"achievement": theirs.achievement.pk, "comment": "Hi"}
    )
    assert refused.status_code == 400 and not Endorsement.objects.exists()
    response = client.post(
        "/qa/endorsements/endorse",
        {"achievement": mine.achievement.pk, "comment": "Checked against the framework."},
    )
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert endorsement.endorser is None and endorsement.credential is not None

    public = client.get(f"/achievements/{mine.achievement.uuid}").content.decode()
    assert "Checked against the framework." in public
    own = client.get(f"/endorsements/{endorsement.uuid}").content.decode()
    assert 'data-state="pass"' in own and 'data-state="fail"' not in own
    as_json = client.get(f"/endorsements/{endorsement.uuid}", HTTP_ACCEPT="application/json")
    assert as_json.json() == endorsement.data


def test_withdraw_needs_a_reason_and_the_scope(client, worlds):
    mine, theirs = worlds
    client.force_login(qa_user(mine.platform))
    client.post(
        "/qa/endorsements/endorse", {"achievement": mine.achievement.pk, "comment": "Good."}
    )
    endorsement = Endorsement.objects.get()
    client.force_login(qa_user(theirs.platform, username="other"))
    assert (
        client.post(f"/qa/endorsements/{endorsement.uuid}/withdraw", {"reason": "no"}).status_code
        == 404
    )
    client.force_login(User.objects.get(username="qa"))
    client.post(f"/qa/endorsements/{endorsement.uuid}/withdraw", {"reason": ""})
    assert Endorsement.objects.get().state == "active"
    client.post(f"/qa/endorsements/{endorsement.uuid}/withdraw", {"reason": "Course closed."})
    assert Endorsement.objects.get().state == "withdrawn"
    page = client.get(f"/endorsements/{endorsement.uuid}").content.decode()
    assert "withdrawn" in page and 'data-state="fail"' in page  # revoked on its status list
    assert "Good." not in client.get(f"/achievements/{mine.achievement.uuid}").content.decode()


def test_only_an_operator_registers_and_qa_submits_pasted_or_uploaded(client, worlds, site):
    mine, _ = worlds
    did = site.did("orgs", "acme")
    site.publish(did)
    client.force_login(qa_user(mine.platform))
    assert (
        client.post("/qa/endorsements/organisations", {"did": did, "name": "Acme"}).status_code
        == 403
    )
    assert not Endorser.objects.exists()

    operator = _operator(mine.platform)
    client.force_login(operator)
    assert (
        client.post("/qa/endorsements/organisations", {"did": did, "name": "Acme"}).status_code
        == 302
    )
    assert Endorser.objects.get().did == did

    client.force_login(User.objects.get(username="qa"))
    subject = achievement_url("https://tool.example.edu", mine.achievement.uuid)
    forged = site.endorse(did, subject, comment="Fine")
    forged["credentialSubject"]["endorsementComment"] = "Superb"
    refused = client.post("/qa/endorsements/submit", {"document": json.dumps(forged)})
    assert refused.status_code == 400 and "does not verify" in refused.content.decode()

    pasted = client.post(
        "/qa/endorsements/submit", {"document": json.dumps(site.endorse(did, subject))}
    )
    assert pasted.status_code == 302
    upload = SimpleUploadedFile(
        "e.json", json.dumps(site.endorse(did, subject, comment="Again")).encode()
    )
    uploaded = client.post("/qa/endorsements/submit", {"file": upload})
    assert uploaded.status_code == 302, uploaded.content.decode()[-3000:]
    assert Endorsement.objects.filter(endorser__did=did).count() == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"endorser.registered", "endorsement.accepted"} <= actions


def test_an_operator_stops_trusting_an_organisation(client, worlds, site):
    mine, _ = worlds
    did = site.did()
    site.publish(did)
    operator = _operator(mine.platform)
    client.force_login(operator)
    client.post("/qa/endorsements/organisations", {"did": did, "name": "Acme"})
    endorser = Endorser.objects.get()
    subject = achievement_url("https://tool.example.edu", mine.achievement.uuid)
    signed = site.endorse(did, subject)
    client.post("/qa/endorsements/submit", {"document": json.dumps(site.endorse(did, subject))})
    assert Endorsement.objects.count() == 1
    page = f"/achievements/{mine.achievement.uuid}"
    assert "Acme Employers" in client.get(page).content.decode()

    client.force_login(qa_user(mine.platform))
    deregister = f"/qa/endorsements/organisations/{endorser.pk}/deregister"
    assert client.post(deregister).status_code == 403
    client.force_login(operator)
    assert client.post(deregister).status_code == 302
    assert not Endorser.objects.get().active
    assert AuditEvent.objects.filter(action="endorser.deregistered").count() == 1
    assert "Acme Employers" not in client.get(page).content.decode()  # no longer shown

    client.force_login(User.objects.get(username="qa"))
    refused = client.post("/qa/endorsements/submit", {"document": json.dumps(signed)})
    assert refused.status_code == 400 and "not a registered" in refused.content.decode()
