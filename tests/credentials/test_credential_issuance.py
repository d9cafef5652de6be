"""Issuance, keys, status lists, revocation, VC-JWT: the Django side of credentials."""

import json
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from audit.models import AuditEvent
from credentials import demo, status_lists
from credentials.credential_json import compose_credential
from credentials.issuers import issuer_input, resolve_local_did
from credentials.jose_forms import stored_ob_jwt
from credentials.local_verification import verify_credential
from credentials.models import STATUS_LIST_SIZE, Credential, SigningKey, StatusList
from credentials.revocation import (
    CredentialStateError,
    reinstate_credential,
    revoke_credential,
    suspend_credential,
)
from credentials.schema import schema_problems
from credentials.signing import sign_credential
from credentials.signing_keys import current_signing_key, mark_compromised, rotate_signing_key
from credentials.status_lists import bit_is_set, decode_bitstring, encode_bitstring
from credentials.vc_jwt import decode_vc_jwt, jwt_header

from .conftest import later
from .samples import sample_input

pytestmark = pytest.mark.django_db


def test_issued_credential_is_stored_verified_and_schema_valid(issue, issuer):
    credential = issue(valid_until=later(365))
    doc = json.loads(credential.document)
    assert doc["id"] == f"urn:uuid:{credential.pk}"
    assert doc["issuer"]["id"] == "did:web:127.0.0.1%3A8000:issuers:uni"
    assert doc["proof"]["verificationMethod"].startswith(doc["issuer"]["id"] + "#key-")
    assert schema_problems(doc) == []
    result = verify_credential(doc)
    assert result.ok, result.errors
    assert {c.name for c in result.checks} >= {"proof", "issuer", "dates", "status", "schema"}
    status = doc["credentialStatus"]
    assert status["statusListCredential"] == "http://127.0.0.1:8000/status-lists/uni/1"
    assert int(status["statusListIndex"]) == credential.status_index < STATUS_LIST_SIZE
    ident = doc["credentialSubject"]["identifier"][0]
    assert ident["hashed"] is True and len(ident["salt"]) == 32
    assert "demo.learner1@example.edu" not in credential.document


def test_issuance_is_idempotent_on_credential_id(issue):
    cid = uuid.uuid4()
    first = issue(credential_id=cid)
    second = issue(credential_id=cid, subject=demo.demo_subject(2))
    assert first.pk == second.pk and first.document == second.document
    assert Credential.objects.count() == 1


def test_stored_document_cannot_be_changed(issue):
    credential = issue()
    credential.document = credential.document.replace("Demo", "Fake")
    with pytest.raises(ValueError, match="cannot be changed"):
        credential.save()
    with pytest.raises(ValueError):
        credential.save(update_fields=["document"])
    credential.refresh_from_db()
    assert "Fake" not in credential.document


def test_status_indexes_are_random_unique_and_never_reused(issue):
    creds = [issue() for _ in range(12)]
    indexes = [c.status_index for c in creds]
    assert len(set(indexes)) == 12
    assert indexes != sorted(indexes)  # not handed out in order (p of failure 1/12!)
    twin = creds[1]
    with pytest.raises(IntegrityError):
        Credential.objects.create(
            issuer=twin.issuer,
            signing_key=twin.signing_key,
            document="{}",
            jwt="",
            achievement_id="x",
            achievement_name="x",
            status_list=twin.status_list,
            status_index=creds[0].status_index,
            issued_at=timezone.now(),
            valid_from=timezone.now(),
        )


def test_a_list_at_its_fill_limit_is_closed_even_when_others_filled_it(issue, issuer, monkeypatch):
    # A list takes 3 credentials here; the fill is counted again after 2 of this process's.
    monkeypatch.setattr(status_lists, "FILL_LIMIT", 3 / STATUS_LIST_SIZE)
    monkeypatch.setattr(status_lists, "RECOUNT_EVERY", 2)
    first = issue().status_list
    # Another process's issues, which this process's running estimate does not see.
    twin = Credential.objects.get(status_list=first)
    for index in (1, 2):
        Credential.objects.create(
            issuer=issuer,
            signing_key=twin.signing_key,
            document="{}",
            jwt="",
            achievement_id="x",
            achievement_name="x",
            status_list=first,
            status_index=(twin.status_index + index) % STATUS_LIST_SIZE,
            issued_at=timezone.now(),
            valid_from=timezone.now(),
        )
    # At most RECOUNT_EVERY past the limit: the next issue may still land in the full list,
    # the one after counts again and opens list 2.
    lists = [issue().status_list.number for _ in range(2)]
    assert lists[-1] == 2 and Credential.objects.filter(status_list=first).count() <= 3 + 2
    assert issue().status_list.number == 2  # the new list is counted, and not full


def test_status_list_too_small_is_refused(issuer):
    with pytest.raises(IntegrityError):
        StatusList.objects.create(issuer=issuer, number=99, size=1024)


def test_bitstring_round_trip():
    encoded = encode_bitstring(STATUS_LIST_SIZE, [0, 7, 131071])
    assert encoded.startswith("u")
    bits = decode_bitstring(encoded)
    assert len(bits) == STATUS_LIST_SIZE // 8
    assert [i for i in (0, 1, 7, 8, 131071) if bit_is_set(bits, i)] == [0, 7, 131071]
    assert bits[0] == 0b10000001


def test_revocation_with_reason_and_audit(issue):
    credential = issue()
    revoke_credential(credential=credential, reason="Academic misconduct", actor="qa:alice")
    credential.refresh_from_db()
    assert credential.status == "revoked" and credential.status_reason == "Academic misconduct"
    result = verify_credential(credential.data)
    assert not result.ok and result.status == "revoked"
    event = AuditEvent.objects.get(action="credential.revoked")
    assert event.actor == "qa:alice" and event.object_id == str(credential.pk)
    assert event.after == {
        "status": "revoked",
        "reason": "Academic misconduct",
        "category": "other",
    }
    with pytest.raises(CredentialStateError, match="revoked"):
        revoke_credential(credential=credential, reason="again", actor="qa:alice")
    with pytest.raises(CredentialStateError):
        reinstate_credential(credential=credential, reason="oops", actor="qa:alice")


def test_revocation_needs_reason(issue):
    credential = issue()
    with pytest.raises(CredentialStateError, match="reason"):
        revoke_credential(credential=credential, reason="  ", actor="qa:alice")
    credential.refresh_from_db()
    assert credential.status == "active"


def test_suspend_and_reinstate(issue):
    credential = issue()
    suspend_credential(credential=credential, reason="Under review", actor="qa:bob")
    result = verify_credential(credential.data)
    assert result.status == "suspended" and "suspended" in result.errors[0]
    reinstate_credential(credential=credential, reason="Cleared", actor="qa:bob")
    assert verify_credential(credential.data).ok
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["credential.suspended", "credential.reinstated"]


def test_rotation_keeps_old_credentials_valid(issue, issuer):
    old = issue()
    old_key = current_signing_key(issuer=issuer)
    new_key = rotate_signing_key(issuer=issuer, actor="admin")
    assert new_key.pk != old_key.pk
    new = issue()
    assert new.signing_key_id == new_key.pk and old.signing_key_id == old_key.pk
    did_doc = resolve_local_did(issuer.did)
    assert set(did_doc["assertionMethod"]) == {
        f"{issuer.did}#{old_key.key_id}",
        f"{issuer.did}#{new_key.key_id}",
    }
    assert verify_credential(old.data).ok and verify_credential(new.data).ok
    assert SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).count() == 1


def test_compromised_key_vouches_only_for_what_we_issued_before(issue, issuer):
    genuine = issue()
    key = current_signing_key(issuer=issuer)
    mark_compromised(key=key, since=timezone.now() + timedelta(seconds=1), actor="admin")
    assert verify_credential(genuine.data).ok  # ours, issued before the compromise
    # The thief signs a credential of their own and back-dates its proof: still refused.
    forged = compose_credential(
        replace(sample_input(str(uuid.uuid4())), issuer=issuer_input(issuer))
    )
    forged = sign_credential(
        forged,
        private_key=key.private_key(),
        verification_method=key.verification_method(),
        created=genuine.issued_at - timedelta(days=30),
    )
    result = verify_credential(forged, check_schema=False)
    assert not result.ok and "compromised" in result.errors[0]
    # Compromised since before our issuance: our own credential is no longer vouched for either.
    mark_compromised(key=key, since=genuine.issued_at, actor="admin")
    assert "compromised" in verify_credential(genuine.data).errors[0]
    assert issue().signing_key_id != key.pk  # a fresh key signs from then on


def test_private_key_encrypted_at_rest(issuer, settings):
    key = current_signing_key(issuer=issuer)
    assert "PRIVATE KEY" not in key.private_key_encrypted
    assert key.private_key().public_key()  # decrypts with the configured KEK
    settings.KEY_ENCRYPTION_KEY = "aW52YWxpZC1rZXktZm9yLXRlc3RzLW9ubHktMzJieXQ="
    with pytest.raises(ValueError, match="KEY_ENCRYPTION_KEY"):
        key.private_key()


def test_vc_jwt(issue, issuer):
    credential = issue(valid_until=later(30))
    header = jwt_header(stored_ob_jwt(credential))
    assert (
        header["alg"] == "EdDSA" and header["kid"] == credential.data["proof"]["verificationMethod"]
    )
    claims = decode_vc_jwt(
        stored_ob_jwt(credential), public_key=credential.signing_key.private_key().public_key()
    )
    doc = credential.data
    assert claims["iss"] == doc["issuer"]["id"] and claims["jti"] == doc["id"]
    assert claims["sub"] == doc["credentialSubject"]["identifier"][0]["identityHash"]
    # OB 3.0 §8.2: the embedded proof is made first and is part of the JWT payload.
    assert (
        claims["proof"] == doc["proof"] and claims["credentialSubject"] == doc["credentialSubject"]
    )
    assert claims["exp"] > claims["nbf"]


def test_unsafe_input_stores_nothing(issue):
    achievement = replace(demo.demo_achievement("http://127.0.0.1:8000"), id="not-a-url")
    with pytest.raises(Exception, match="absolute IRI"):
        issue(achievement=achievement)
    assert not Credential.objects.exists()


def test_vc_jwt_verification(issue, issuer):
    from credentials.local_verification import verify_credential_jwt

    credential = issue(valid_until=later(30))
    assert verify_credential_jwt(stored_ob_jwt(credential)).ok
    assert verify_credential_jwt(
        stored_ob_jwt(credential), now=timezone.now() + timedelta(days=60)
    ).status == ("expired")
    head, payload, signature = stored_ob_jwt(credential).split(".")
    forged = ".".join(
        (head, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature)
    )
    assert not verify_credential_jwt(forged).ok
    assert verify_credential_jwt("not a jwt").errors == ["This is not a JWT."]
    revoke_credential(credential=credential, reason="Error", actor="qa")
    result = verify_credential_jwt(stored_ob_jwt(credential))
    assert result.status == "revoked" and not result.ok


def test_every_leaf_of_an_issued_credential_is_protected(issue):
    import copy

    credential = issue(valid_until=later(100))
    doc = credential.data
    assert verify_credential(doc).ok

    def leaves(node, path=()):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from leaves(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from leaves(v, (*path, i))
        else:
            yield path, node

    count = 0
    for path, value in leaves(doc):
        tampered = copy.deepcopy(doc)
        target = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = (not value) if isinstance(value, bool) else f"{value}x"
        assert not verify_credential(tampered, check_schema=False).ok, path
        count += 1
    assert count > 100
