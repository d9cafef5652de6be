"""A learner's record (CLR 2.0 ClrCredential): composed, schema-valid, signed, verified, and
each embedded credential verified on its own."""

import copy
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.clr_issuance import issue_record
from credentials.clr_json import compose_clr, embedded_credentials
from credentials.clr_schema import clr_schema_problems
from credentials.credential_json import CompositionError, compose_credential
from credentials.did import PublishedKey, did_document
from credentials.document_checks import UnsafeDocumentError
from credentials.documents import ClrInput, StackInput, SubjectInput
from credentials.jose_forms import stored_ob_jwt, stored_vc_jose
from credentials.local_verification import (
    verify_credential,
    verify_credential_jwt,
    verify_record_contents,
)
from credentials.multikey import public_key_multibase
from credentials.revocation import revoke_credential
from credentials.signing import sign_credential
from credentials.verification_checks import verify, verify_embedded

from .samples import sample_input

DID = "did:web:credbridge.example.edu:issuers:uni"
KEY = Ed25519PrivateKey.generate()
CREATED = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
PUBLISHED = [PublishedKey("key-1", public_key_multibase(KEY.public_key()))]
RESOLVE = {DID: did_document(DID, PUBLISHED)}.get
IDS = [
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "1f8fad5b-d9cb-469f-a165-70867728950e",
    "2f8fad5b-d9cb-469f-a165-70867728950e",
]


def _sign(document):
    return sign_credential(
        document, private_key=KEY, verification_method=f"{DID}#key-1", created=CREATED
    )


def _credential(credential_uuid, achievement_suffix):
    document = compose_credential(sample_input(credential_uuid))
    # A different achievement per credential, as in a real record.
    achievement = document["credentialSubject"]["achievement"]
    achievement["id"] = achievement["id"][:-2] + achievement_suffix
    achievement["name"] = f"Achievement {achievement_suffix}"
    return _sign(document)


@pytest.fixture(scope="module")
def embedded():
    return tuple(_credential(cid, f"{i:02d}") for i, cid in enumerate(IDS))


def _record_input(embedded, **kw):
    pathway, *components = embedded
    return ClrInput(
        record_id="urn:uuid:9a8fad5b-d9cb-469f-a165-70867728950e",
        issuer=sample_input().issuer,
        subject=SubjectInput("emailAddress", "ada@example.edu", salt="feed", name="Ada"),
        name="Learner record of Ada",
        description="Every credential Ada holds from Example University.",
        valid_from="2026-01-15T10:00:00Z",
        credentials=embedded,
        stacks=(StackInput(pathway["id"], tuple(c["id"] for c in components)),),
        **kw,
    )


@pytest.fixture(scope="module")
def record(embedded):
    return _sign(compose_clr(_record_input(embedded)))


def test_record_matches_the_clr_schema_and_embeds_credentials_as_issued(record, embedded):
    assert clr_schema_problems(record) == []
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    assert record["@context"][1] == "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
    subject = record["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert embedded_credentials(record) == list(embedded)
    assert [a["name"] for a in subject["achievement"]] == [
        "Achievement 00",
        "Achievement 01",
        "Achievement 02",
    ]
    assert subject["identifier"][0]["identityHash"].startswith("sha256$")


def test_stacked_structure_is_said_both_ways(record, embedded):
    pathway = embedded[0]["credentialSubject"]["achievement"]["id"]
    pairs = {
        (a["associationType"], a["sourceId"], a["targetId"])
        for a in record["credentialSubject"]["association"]
    }
    components = [c["credentialSubject"]["achievement"]["id"] for c in embedded[1:]]
    assert pairs == {("isParentOf", pathway, c) for c in components} | {
        ("isChildOf", c, pathway) for c in components
    }


def test_a_schema_violation_is_reported(record):
    broken = copy.deepcopy(record)
    broken["credentialSubject"]["association"][0]["associationType"] = "isCousinOf"
    assert any("isCousinOf" in p for p in clr_schema_problems(broken))
    del broken["credentialSubject"]["verifiableCredential"]
    assert any("verifiableCredential" in p for p in clr_schema_problems(broken))


def test_record_proof_verifies_and_every_embedded_credential_too(record):
    result = verify(record, resolve_did=RESOLVE, now=NOW, schema_check=clr_schema_problems)
    assert result.ok, result.errors
    assert "CLR 2.0 schema" in next(c.message for c in result.checks if c.name == "schema")
    inner = verify_embedded(record, verify_one=lambda d: verify(d, resolve_did=RESOLVE, now=NOW))
    assert [e.position for e in inner] == [1, 2, 3]
    assert all(e.result.ok for e in inner)
    assert inner[1].name == "Digital Literacy <Foundations> & more"


def test_tampering_with_an_embedded_credential_fails_both_proofs(record):
    tampered = copy.deepcopy(record)
    tampered["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["result"][0][
        "value"
    ] = "10"
    outer = verify(tampered, resolve_did=RESOLVE, now=NOW)
    assert not outer.ok and "altered" in outer.errors[0]
    inner = verify_embedded(tampered, verify_one=lambda d: verify(d, resolve_did=RESOLVE, now=NOW))
    assert [e.result.ok for e in inner] == [True, False, True]
    assert "altered" in inner[1].result.errors[0]


def test_removing_an_embedded_credential_fails_the_record(record):
    tampered = copy.deepcopy(record)
    del tampered["credentialSubject"]["verifiableCredential"][2]
    assert not verify(tampered, resolve_did=RESOLVE, now=NOW).ok


def test_a_stack_must_name_credentials_of_the_record(embedded):
    data = _record_input(embedded)
    stray = StackInput(embedded[0]["id"], ("urn:uuid:00000000-0000-0000-0000-000000000000",))
    with pytest.raises(CompositionError, match="not in the record"):
        compose_clr(ClrInput(**{**data.__dict__, "stacks": (stray,)}))
    with pytest.raises(CompositionError, match="at least one"):
        compose_clr(ClrInput(**{**data.__dict__, "credentials": (), "stacks": ()}))
    with pytest.raises(CompositionError, match="twice"):
        compose_clr(
            ClrInput(**{**data.__dict__, "credentials": embedded + embedded[:1], "stacks": ()})
        )


def test_the_term_whose_meaning_depends_on_the_context_copy_is_refused(embedded):
    document = compose_clr(_record_input(embedded))
    document["partial"] = False
    with pytest.raises(UnsafeDocumentError, match="partial"):
        _sign(document)


def test_not_a_record_has_no_embedded_results(embedded):
    assert verify_embedded(embedded[0], verify_one=lambda d: None) == []


# Issued and stored by this tool (database, status lists, JWT forms).


@pytest.fixture
def stored_record(issue, issuer):
    credentials = [issue(credential_id=uuid.uuid4()) for _ in range(3)]
    pathway, *components = credentials
    record = issue_record(
        issuer=issuer,
        record_id=uuid.uuid4(),
        subject=SubjectInput("emailAddress", "ada@example.edu", name="Ada"),
        name="Learner record",
        credentials=credentials,
        stacks=[
            StackInput(f"urn:uuid:{pathway.pk}", tuple(f"urn:uuid:{c.pk}" for c in components))
        ],
    )
    return record, credentials


def test_issued_record_is_private_verifies_and_has_a_status_entry(stored_record):
    record, credentials = stored_record
    assert record.is_public is False
    document = record.data
    assert document["credentialStatus"]["statusListIndex"] == str(record.status_index)
    result = verify_credential(document)
    assert result.ok, result.errors
    assert {c.name for c in result.checks} == {"issuer", "proof", "dates", "status", "schema"}
    assert [e.credential_id for e in verify_record_contents(document)] == [
        f"urn:uuid:{c.pk}" for c in credentials
    ]
    # The JWT forms carry the same record and verify the same way.
    for token in (stored_ob_jwt(record), stored_vc_jose(record)):
        assert verify_credential_jwt(token).ok


def test_a_credential_revoked_after_the_record_shows_in_the_record(stored_record):
    record, credentials = stored_record
    revoke_credential(
        credential=credentials[1], reason="wrong", actor="test", category="issued_in_error"
    )
    assert verify_credential(record.data).ok  # the record itself still stands
    inner = verify_record_contents(record.data)
    assert [e.result.status for e in inner] == ["active", "revoked", "active"]


def test_revoking_the_record_itself(stored_record):
    record, _ = stored_record
    revoke_credential(credential=record, reason="replaced", actor="test", category="other")
    result = verify_credential(record.data)
    assert result.status == "revoked"


def test_stored_record_json_round_trips(stored_record):
    record, _ = stored_record
    assert json.loads(record.document) == record.data


def _embedded_states(html):
    return re.findall(r'data-embedded="(\d+)" data-state="(\w+)"', html)


def test_verify_page_checks_the_record_and_each_credential_in_it(client, stored_record):
    record, credentials = stored_record
    for text in (record.document, stored_ob_jwt(record), stored_vc_jose(record)):
        html = client.post("/credentials/verify", {"credential": text}).content.decode()
        assert dict(re.findall(r'data-check="(\w+)" data-state="(\w+)"', html)) == dict.fromkeys(
            ("proof", "issuer_key", "status", "expiry", "schema"), "pass"
        ), text[:30]
        assert "CLR 2.0 schema" in html
        assert _embedded_states(html) == [("1", "pass"), ("2", "pass"), ("3", "pass")]
    revoke_credential(credential=credentials[2], reason="wrong", actor="test")
    html = client.post("/credentials/verify", {"credential": record.document}).content.decode()
    assert _embedded_states(html) == [("1", "pass"), ("2", "pass"), ("3", "fail")]
    assert "1 of the 3 credentials in this record does not verify" in html
    assert "The issuer has revoked this credential." in html


def test_verify_page_reports_a_tampered_embedded_credential(client, stored_record):
    record, _ = stored_record
    tampered = record.data
    tampered["credentialSubject"]["verifiableCredential"][0]["name"] = "Something grander"
    html = client.post("/credentials/verify", {"credential": json.dumps(tampered)}).content.decode()
    assert re.search(r'data-check="proof" data-state="fail"', html)
    assert _embedded_states(html) == [("1", "fail"), ("2", "pass"), ("3", "pass")]
