"""The pure verifier: every check, every failure reason, and tampering with every leaf."""

import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.credential_json import compose_credential
from credentials.did import PublishedKey, did_document, did_web, did_web_url
from credentials.document_checks import UnsafeDocumentError
from credentials.multikey import public_key_multibase
from credentials.schema import schema_problems
from credentials.signing import sign_credential
from credentials.verification_checks import verify

from .samples import sample_input

DID = "did:web:credbridge.example.edu:issuers:uni"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
CREATED = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()


def _did_doc(*keys):
    return did_document(
        DID, [PublishedKey(f"key-{i}", public_key_multibase(k.public_key())) for i, k in keys]
    )


RESOLVE = {DID: _did_doc((1, KEY))}.get


def _signed(key=KEY, vm=f"{DID}#key-1", **kw):
    return sign_credential(
        compose_credential(sample_input(**kw)),
        private_key=key,
        verification_method=vm,
        created=CREATED,
    )


@pytest.fixture(scope="module")
def signed():
    return _signed()


def test_did_web_forms():
    assert did_web("https://credbridge.example.edu", "issuers", "uni") == DID
    assert did_web("http://127.0.0.1:8000") == "did:web:127.0.0.1%3A8000"
    assert did_web_url(DID) == "https://credbridge.example.edu/issuers/uni/did.json"
    assert did_web_url("did:web:127.0.0.1%3A8000") == "https://127.0.0.1:8000/.well-known/did.json"


def test_signed_credential_verifies_and_matches_schema(signed):
    result = verify(signed, resolve_did=RESOLVE, now=NOW, status_of=lambda s: "active")
    assert result.ok, result.errors
    assert result.status == "active"
    assert {c.name for c in result.checks} == {"issuer", "proof", "dates", "status"}
    assert schema_problems(signed) == []
    assert signed["proof"]["created"] == "2026-01-15T10:00:00Z"


def test_unsafe_document_is_never_signed():
    doc = compose_credential(sample_input())
    doc["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(UnsafeDocumentError, match="favouriteColour"):
        sign_credential(doc, private_key=KEY, verification_method=f"{DID}#key-1", created=CREATED)


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path, node


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return value + "x" if value else "x"


def test_changing_any_single_leaf_fails_verification(signed):
    leaves = list(_leaves(signed))
    assert len(leaves) > 100
    for path, value in leaves:
        tampered = copy.deepcopy(signed)
        target = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = _changed(value)
        result = verify(tampered, resolve_did=RESOLVE, now=NOW, status_of=lambda s: "active")
        assert not result.ok, f"changing {'/'.join(map(str, path))} went unnoticed"
        assert result.errors


def test_removing_or_adding_fields_fails(signed):
    tampered = copy.deepcopy(signed)
    del tampered["credentialSubject"]["result"][0]
    assert not verify(tampered, resolve_did=RESOLVE, now=NOW).ok
    tampered = copy.deepcopy(signed)
    tampered["description"] = "added later"
    assert not verify(tampered, resolve_did=RESOLVE, now=NOW).ok


def test_unknown_issuer(signed):
    result = verify(signed, resolve_did={}.get, now=NOW)
    assert not result.ok and "not known" in result.errors[0]


def test_key_of_another_issuer():
    doc = _signed(vm="did:web:evil.example#key-1")
    result = verify(doc, resolve_did=RESOLVE, now=NOW)
    assert "another issuer" in result.errors[0]


def test_key_not_in_did_document():
    doc = _signed(key=OTHER, vm=f"{DID}#key-9")
    assert "not in the issuer's DID document" in verify(doc, resolve_did=RESOLVE, now=NOW).errors[0]


def test_key_not_under_assertion_method(signed):
    did_doc = _did_doc((1, KEY))
    did_doc["assertionMethod"] = []
    result = verify(signed, resolve_did={DID: did_doc}.get, now=NOW)
    assert "does not authorise" in result.errors[0]


def test_signature_by_wrong_key_under_right_id():
    doc = _signed(key=OTHER)
    result = verify(doc, resolve_did=RESOLVE, now=NOW)
    assert result.status == "invalid" and "altered" in result.errors[0]


def test_retired_key_still_verifies_old_credentials():
    old = _signed(key=OTHER, vm=f"{DID}#key-0")
    rotated = {DID: _did_doc((0, OTHER), (1, KEY))}.get
    assert verify(old, resolve_did=rotated, now=NOW).ok


def test_key_problem_is_reported(signed):
    def problem(vm, document):
        return "The key was compromised." if vm.endswith("#key-1") else None

    result = verify(signed, resolve_did=RESOLVE, now=NOW, key_problem=problem)
    assert not result.ok and result.errors == ["The key was compromised."]
    assert verify(signed, resolve_did=RESOLVE, now=NOW, key_problem=lambda vm, d: None).ok


@pytest.mark.parametrize(
    "now, status, reason",
    [
        (datetime(2025, 1, 1, tzinfo=UTC), "not_yet_valid", "not valid before"),
        (datetime(2030, 1, 1, tzinfo=UTC), "expired", "expired on 2029-01-15T10:00:00Z"),
    ],
)
def test_dates(signed, now, status, reason):
    result = verify(signed, resolve_did=RESOLVE, now=now)
    assert result.status == status and reason in result.errors[0]


@pytest.mark.parametrize(
    "state, status, reason",
    [
        ("revoked", "revoked", "revoked"),
        ("suspended", "suspended", "suspended"),
        (None, "invalid", "cannot be checked"),
    ],
)
def test_status(signed, state, status, reason):
    result = verify(signed, resolve_did=RESOLVE, now=NOW, status_of=lambda s: state)
    assert not result.ok and result.status == status and reason in result.errors[0]


def test_not_a_credential():
    assert verify([], resolve_did=RESOLVE, now=NOW).status == "invalid"
    assert "no proof" in verify({"a": 1}, resolve_did=RESOLVE, now=NOW).errors[0]


def test_schema_check_reports_problems(signed):
    broken = copy.deepcopy(signed)
    del broken["validFrom"]
    problems = schema_problems(broken)
    assert problems and "validFrom" in problems[0]
