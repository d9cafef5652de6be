"""The stored text of a credential (ADR 0013, 0094): json's indented text, written by orjson,
and refused when it would not read back as the document that was signed."""

from __future__ import annotations

import json

import pytest

from credentials.issuers import get_or_create_issuer
from credentials.signed_storage import IssuanceError, stored_text

pytestmark = pytest.mark.django_db


def test_an_issued_credential_is_stored_as_jsons_indented_text(issue):
    issuer = get_or_create_issuer(slug="uni-q", name='Uni “Ü” "q" \\', url="https://u.example")
    credential = issue(issuer=issuer)
    # The same characters json.dumps writes: the format of every credential stored before.
    assert credential.document == json.dumps(credential.data, ensure_ascii=False, indent=2)
    assert "“Ü”" in credential.document  # UTF-8, not \\u escapes


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (float("nan"), "does not read back"),  # orjson would write null
        (float("inf"), "does not read back"),
        (2**70, "cannot be stored as JSON"),
    ],
)
def test_a_document_its_text_would_change_is_refused(value, why):
    signed = {"id": "urn:uuid:x", "credentialSubject": {"score": value}}
    with pytest.raises(IssuanceError, match=why):
        stored_text(signed, kind="credential")


def test_a_plain_document_reads_back():
    signed = {"id": "urn:uuid:x", "n": [1, 2.5, "é", None, True, {"a": []}]}
    text = stored_text(signed, kind="credential")
    assert json.loads(text) == signed and text.startswith('{\n  "id"')
