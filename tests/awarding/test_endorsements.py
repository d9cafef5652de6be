"""Endorsements (ADR 0066): QA's own, signed by the institution's issuer; an outside
organisation's, registered by did:web and accepted only when every check passes; embedded in
new credentials; withdrawn. The outside organisation is a real HTTP server on loopback."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.models import AuditEvent
from awarding.award_issuance import issue_award, issuer_for
from awarding.credential_inputs import achievement_url
from awarding.decide import evaluate_learners
from awarding.endorsements import (
    EndorsementRefused,
    accept_external_endorsement,
    endorse_as_qa,
    withdraw_endorsement,
)
from awarding.endorser_registry import register_endorser
from awarding.models import Award, Endorsement
from awarding.selectors import achievement_document
from credentials.local_verification import verify_credential
from credentials.models import Credential
from credentials.schema import schema_problems

from .endorser_site import EndorserSite
from .scenario import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def sc(settings):
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    settings.ENDORSER_LOOPBACK_DIDS = True
    scenario = build()
    scenario.add_learners(1)
    return scenario


@pytest.fixture
def site():
    s = EndorserSite()
    yield s
    s.close()


def _subject(sc) -> str:
    return achievement_url("https://tool.example.edu", sc.achievement.uuid)


def _issue(sc) -> dict:
    learner = sc.learners[0]
    sc.grade_all(learner, 1.0)
    report = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="test")
    award, _ = issue_award(award_id=Award.objects.get(pk=report.to_issue[0]).pk)
    return json.loads(award.credential.document)


def test_a_qa_endorsement_is_signed_verifies_and_is_embedded_in_new_credentials(sc):
    endorsement = endorse_as_qa(
        achievement=sc.achievement, comment="Reviewed against EQF level 4.", actor="user:qa"
    )

    document = endorsement.data
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["credentialSubject"]["id"] == _subject(sc)
    assert document["issuer"]["id"] == issuer_for(platform=sc.course.platform).did
    assert schema_problems(document) == []
    result = verify_credential(document)
    assert result.ok and result.status == "active", result.errors
    assert endorsement.credential.is_public is False
    assert AuditEvent.objects.filter(action="endorsement.created").count() == 1

    # The achievement's own JSON and a new credential both carry it, unchanged.
    assert achievement_document(sc.achievement)["endorsement"] == [document]
    credential = _issue(sc)
    assert credential["credentialSubject"]["achievement"]["endorsement"] == [document]
    assert verify_credential(credential).ok
    assert schema_problems(credential) == []


def test_withdrawing_a_qa_endorsement_revokes_it_and_stops_embedding_it(sc):
    endorsement = endorse_as_qa(achievement=sc.achievement, comment="Good.", actor="user:qa")

    with pytest.raises(EndorsementRefused):
        withdraw_endorsement(endorsement=endorsement, reason="  ", actor="user:qa")
    withdraw_endorsement(endorsement=endorsement, reason="Programme closed.", actor="user:qa")

    result = verify_credential(endorsement.data)
    assert result.status == "revoked" and not result.ok
    assert Credential.objects.get(pk=endorsement.credential_id).status == "revoked"
    assert "endorsement" not in achievement_document(sc.achievement)
    assert "endorsement" not in _issue(sc)["credentialSubject"]["achievement"]
    assert AuditEvent.objects.filter(action="endorsement.withdrawn").count() == 1
    with pytest.raises(EndorsementRefused):
        withdraw_endorsement(endorsement=endorsement, reason="again", actor="user:qa")


def test_an_outside_organisation_registered_by_did_web_endorses_an_achievement(sc, site):
    did = site.did("orgs", "acme")
    site.publish(did)
    endorser = register_endorser(did=did, name="Acme", actor="user:operator")
    assert site.requests == ["/orgs/acme/did.json"]
    assert [m["id"] for m in endorser.verification_methods] == [f"{did}#key-1"]

    signed = site.endorse(did, _subject(sc))
    endorsement = accept_external_endorsement(
        text=json.dumps(signed), actor="user:qa", platform_ids={sc.course.platform_id}
    )

    assert endorsement.achievement == sc.achievement and endorsement.endorser == endorser
    # Verification reads the stored key: the organisation's server is not asked again.
    site.close()
    assert verify_credential(signed).ok
    assert site.requests == ["/orgs/acme/did.json"]
    assert achievement_document(sc.achievement)["endorsement"] == [signed]
    assert _issue(sc)["credentialSubject"]["achievement"]["endorsement"] == [signed]
    assert AuditEvent.objects.filter(action="endorser.registered").count() == 1
    assert AuditEvent.objects.filter(action="endorsement.accepted").count() == 1


def test_an_endorsement_of_the_issuer_profile_is_in_the_profile_json(sc, site, client):
    did = site.did()
    site.publish(did)
    register_endorser(did=did, name="Acme", actor="user:operator")
    issuer = issuer_for(platform=sc.course.platform)
    signed = site.endorse(did, issuer.did, comment="A trustworthy issuer.")
    accept_external_endorsement(
        text=json.dumps(signed), actor="user:qa", platform_ids={sc.course.platform_id}
    )

    profile = client.get(f"/issuers/{issuer.slug}", HTTP_ACCEPT="application/json").json()
    assert profile["endorsement"] == [signed]
    html = client.get(f"/issuers/{issuer.slug}", HTTP_ACCEPT="text/html").content.decode()
    assert "A trustworthy issuer." in html


# --- from the attacker's side ------------------------------------------------------------


@pytest.fixture
def registered(sc, site):
    did = site.did("orgs", "acme")
    site.publish(did)
    register_endorser(did=did, name="Acme", actor="user:operator")
    return did


def _refused(sc, document, match: str) -> None:
    with pytest.raises(EndorsementRefused, match=match):
        accept_external_endorsement(
            text=json.dumps(document), actor="user:qa", platform_ids={sc.course.platform_id}
        )
    assert not Endorsement.objects.exists()


def test_a_forged_proof_is_refused(sc, site, registered):
    signed = site.endorse(registered, _subject(sc), comment="Fine.")
    signed["credentialSubject"]["endorsementComment"] = "The best credential in the world."
    _refused(sc, signed, "does not verify")


def test_a_key_not_in_the_registered_document_is_refused(sc, site, registered):
    _refused(sc, site.endorse(registered, _subject(sc), key=Ed25519PrivateKey.generate()), "verify")


def test_an_unregistered_did_is_refused(sc, site, registered):
    other = site.did("orgs", "someone-else")
    site.publish(other)
    _refused(sc, site.endorse(other, _subject(sc)), "not a registered")


def test_a_key_of_another_did_is_refused(sc, site, registered):
    # Signed with a key the proof says belongs to another DID than the issuer it names.
    other = site.did("orgs", "other")
    site.publish(other)
    register_endorser(did=other, name="Other", actor="user:operator")
    signed = site.endorse(registered, _subject(sc), method=f"{other}#key-1")
    _refused(sc, signed, "does not verify")


def test_a_subject_that_is_not_ours_is_refused(sc, site, registered):
    _refused(sc, site.endorse(registered, "https://elsewhere.example/achievements/1"), "not one")


def test_an_achievement_of_another_institution_is_refused(sc, site, registered):
    with pytest.raises(EndorsementRefused, match="not quality assurance"):
        accept_external_endorsement(
            text=json.dumps(site.endorse(registered, _subject(sc))),
            actor="user:qa",
            platform_ids={sc.course.platform_id + 1000},
        )


def test_a_schema_invalid_endorsement_is_refused(sc, site, registered):
    signed = site.endorse(registered, _subject(sc))
    del signed["name"]
    _refused(sc, signed, "schema")
    _refused(sc, {"type": ["VerifiableCredential", "OpenBadgeCredential"]}, "not an Open Badges")


def test_a_foreign_status_list_is_refused(sc, site, registered):
    status = {
        "id": "https://acme.example/status/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://acme.example/status/1",
    }
    _refused(
        sc, site.endorse(registered, _subject(sc), extra={"credentialStatus": status}), "status"
    )


def test_the_same_endorsement_twice_is_refused(sc, site, registered):
    text = json.dumps(site.endorse(registered, _subject(sc)))
    accept_external_endorsement(text=text, actor="user:qa", platform_ids={sc.course.platform_id})
    with pytest.raises(EndorsementRefused, match="already"):
        accept_external_endorsement(
            text=text, actor="user:qa", platform_ids={sc.course.platform_id}
        )


def test_a_registered_endorser_cannot_vouch_for_an_achievement_credential(sc, site, registered):
    credential = _issue(sc)
    forged = {k: v for k, v in credential.items() if k not in ("proof", "credentialStatus")}
    forged["issuer"] = {**forged["issuer"], "id": registered}
    from credentials.proofs import sign_document

    signed = sign_document(
        forged,
        private_key=site.key,
        verification_method=f"{registered}#key-1",
        created="2026-01-01T00:00:00Z",
    )
    result = verify_credential(signed)
    assert not result.ok and "not known" in " ".join(result.errors)


def test_a_withdrawn_endorser_registration_no_longer_verifies(sc, site, registered):
    signed = site.endorse(registered, _subject(sc))
    assert verify_credential(signed).ok
    from awarding.models import Endorser

    Endorser.objects.filter(did=registered).update(active=False)
    assert not verify_credential(signed).ok


def test_export_credentials_writes_every_endorsement(sc, site, tmp_path):
    from django.core.management import call_command

    own = endorse_as_qa(achievement=sc.achievement, comment="Good.", actor="user:qa")
    did = site.did()
    site.publish(did)
    register_endorser(did=did, name="Acme", actor="user:operator")
    text = json.dumps(site.endorse(did, _subject(sc)), indent=1)
    outside = accept_external_endorsement(
        text=text, actor="user:qa", platform_ids={sc.course.platform_id}
    )

    call_command("export_credentials", "--out", str(tmp_path))

    # Our own is a credential we signed (its id the endorsement's); both in endorsements/,
    # byte for byte, and nowhere else.
    assert own.credential_id == own.uuid
    assert (tmp_path / "endorsements" / f"{own.uuid}.json").read_text() == own.document
    assert (tmp_path / "endorsements" / f"{outside.uuid}.json").read_text() == text
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())


def test_the_public_verify_page_accepts_both_kinds_of_endorsement(sc, site, client):
    own = endorse_as_qa(achievement=sc.achievement, comment="Good.", actor="user:qa")
    did = site.did()
    site.publish(did)
    register_endorser(did=did, name="Acme", actor="user:operator")
    outside = site.endorse(did, _subject(sc))

    for document in (own.data, outside):
        html = client.post("/credentials/verify", {"credential": json.dumps(document)}).content
        page = html.decode()
        assert 'data-check="schema" data-state="pass"' in page, page[-2000:]
        assert 'data-check="proof" data-state="pass"' in page
        assert 'data-state="fail"' not in page
    withdraw_endorsement(endorsement=own, reason="Closed.", actor="user:qa")
    page = client.post("/credentials/verify", {"credential": own.document}).content.decode()
    assert 'data-check="status" data-state="fail"' in page


def test_the_credential_page_shows_the_endorsements_it_carries(sc, client):
    endorse_as_qa(achievement=sc.achievement, comment="Reviewed against EQF 4.", actor="user:qa")
    credential = _issue(sc)
    uuid = credential["id"].removeprefix("urn:uuid:")
    page = client.get(f"/credentials/{uuid}", HTTP_ACCEPT="text/html").content.decode()
    assert 'id="endorsed-title"' in page and "Reviewed against EQF 4." in page


def test_an_expired_endorsement_is_neither_shown_nor_embedded(sc, site, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from credentials.signing import format_datetime

    did = site.did()
    site.publish(did)
    register_endorser(did=did, name="Acme", actor="user:operator")
    until = format_datetime(timezone.now() + timedelta(seconds=3))
    signed = site.endorse(did, _subject(sc), extra={"validUntil": until})
    accept_external_endorsement(
        text=json.dumps(signed), actor="user:qa", platform_ids={sc.course.platform_id}
    )
    assert achievement_document(sc.achievement)["endorsement"] == [signed]

    # Four seconds later (the clock moved on, not waited for): past its validUntil.
    later = timezone.now() + timedelta(seconds=4)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "endorsement" not in achievement_document(sc.achievement)
    assert "endorsement" not in _issue(sc)["credentialSubject"]["achievement"]


def test_the_profile_with_endorsements_matches_the_ob3_profile_schema(sc, site, client):
    from pathlib import Path

    import jsonschema

    did = site.did()
    site.publish(did)
    register_endorser(did=did, name="Acme", actor="user:operator")
    issuer = issuer_for(platform=sc.course.platform)
    signed = site.endorse(did, issuer.did)
    accept_external_endorsement(
        text=json.dumps(signed), actor="user:qa", platform_ids={sc.course.platform_id}
    )
    schema_path = Path(__file__).resolve().parents[2] / "credentials" / "schemas"
    schema_path = schema_path / "ob_v3p0_profile_schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    profile = client.get(f"/issuers/{issuer.slug}", HTTP_ACCEPT="application/json").json()
    assert profile["endorsement"] == [signed]
    assert list(jsonschema.Draft201909Validator(schema).iter_errors(profile)) == []
