"""The OB 3.0 composer and the pre-sign check."""

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from credentials.credential_json import CompositionError, compose_credential, hash_identity
from credentials.document_checks import UnsafeDocumentError, check_document, find_problems
from credentials.documents import CriterionResultInput, SubjectInput

from .samples import sample_input

BAD_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "credentials/schemas/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)


def validate(doc: dict) -> None:
    jsonschema.Draft201909Validator(SCHEMA).validate(doc)


def test_sample_validates_against_schema_and_is_safe():
    doc = compose_credential(sample_input())
    validate(doc)
    check_document(doc)
    assert doc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_subject_identifier_is_salted_hash_of_lowercased_email():
    doc = compose_credential(sample_input(email="  Ada@Example.EDU "))
    ident = doc["credentialSubject"]["identifier"][0]
    assert ident["hashed"] is True and ident["identityType"] == "emailAddress"
    assert ident["identityHash"] == hash_identity("ada@example.edu", "c0ffee1234")
    assert "ada" not in json.dumps(doc).lower().replace("ada lovelace", "")


def test_name_omitted_when_institution_hides_it():
    doc = compose_credential(sample_input(name=""))
    assert "name" not in doc["credentialSubject"]
    validate(doc)


def test_results_point_at_criteria_and_levels():
    doc = compose_credential(sample_input())
    ach = doc["credentialSubject"]["achievement"]
    rd_ids = {rd["id"] for rd in ach["resultDescription"]}
    level_ids = {lv["id"] for rd in ach["resultDescription"] for lv in rd["rubricCriterionLevel"]}
    for result in doc["credentialSubject"]["result"]:
        assert result["resultDescription"] in rd_ids
        assert result["achievedLevel"] in level_ids
    assert ach["resultDescription"][0]["resultType"] == "RubricCriterionLevel"
    assert doc["credentialStatus"]["statusListIndex"] == "4242"


def test_result_for_unknown_criterion_is_refused():
    data = sample_input()
    data = replace(data, results=(CriterionResultInput("nope", value="1"),))
    with pytest.raises(CompositionError, match="unknown criterion"):
        compose_credential(data)


def test_unknown_level_is_refused():
    data = sample_input()
    data = replace(data, results=(CriterionResultInput("c1", achieved_level="legendary"),))
    with pytest.raises(CompositionError, match="no level"):
        compose_credential(data)


def test_subject_without_identifier_is_refused():
    data = replace(sample_input(), subject=SubjectInput("emailAddress", "  ", salt="x"))
    with pytest.raises(CompositionError, match="identifier"):
        compose_credential(data)


@pytest.mark.parametrize(
    "mutate, problem",
    [
        (lambda d: d.update(undefinedTerm="x"), "'undefinedTerm' is defined by no context"),
        (lambda d: d["credentialSubject"].update(colour="blue"), "defined by no context"),
        (lambda d: d.update(id="relative/id"), "not an absolute IRI"),
        (lambda d: d["credentialSubject"]["achievement"].update(id="ach-1"), "absolute IRI"),
        (lambda d: d.update(type=["VerifiableCredential", "MadeUpType"]), "MadeUpType"),
        (lambda d: d.update(validFrom="2026-01-15T10:00:00.123+00:00"), "YYYY-MM-DD"),
        (lambda d: d.update(validUntil="2026-01-15"), "YYYY-MM-DD"),
        (lambda d: d.update(jti="urn:uuid:1"), "'jti' must not be used"),
        (
            lambda d: d.update(
                credentialSchema={
                    "id": "https://x.example/s",
                    "type": "1EdTechJsonSchemaValidator2019",
                }
            ),
            "1EdTechJsonSchemaValidator2019",
        ),
        (lambda d: d["credentialSubject"].update(creditsEarned=1e-7), "below 1e-6"),
        (lambda d: d.update({"@context": ["https://unknown.example/ctx"]}), "not bundled"),
    ],
)
def test_pre_sign_check_refuses(mutate, problem):
    doc = compose_credential(sample_input())
    mutate(doc)
    with pytest.raises(UnsafeDocumentError) as info:
        check_document(doc)
    assert any(problem in p for p in info.value.problems), info.value.problems


def test_find_problems_lists_all():
    doc = compose_credential(sample_input())
    doc["foo"] = 1
    doc["bar"] = 2
    assert len(find_problems(doc)) == 2


def test_check_returns_the_canonical_form_it_checked():
    from credentials.canonicalize import reference_canonicalize

    doc = compose_credential(sample_input())
    assert check_document(doc) == reference_canonicalize(doc)
    doc["name"] = {"@value": "x", "@language": "en"}  # outside the fast path: no shortcut
    assert check_document(doc) is None
