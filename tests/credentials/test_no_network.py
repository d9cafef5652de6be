"""Credentials fetch nothing at runtime (issue 12): composing, checking, signing and
verifying run with every outbound connection refused, and an unknown JSON-LD context is
refused without one being attempted."""

from __future__ import annotations

import socket

import pytest

from credentials.credential_json import compose_credential
from credentials.document_checks import UnsafeDocumentError, check_document
from credentials.multikey import private_key_from_multibase, public_key_from_multibase
from credentials.proofs import sign_document, verify_document

from .samples import sample_input
from .test_proofs import VECTORS, _json


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] or kwargs)
        raise OSError("network use is refused in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(None, *a))
    return attempts


def test_issue_and_verify_without_any_connection(no_network):
    kp = _json(VECTORS / "keyPair.json")
    private = private_key_from_multibase(kp["privateKeyMultibase"])
    public = public_key_from_multibase(kp["publicKeyMultibase"])
    doc = compose_credential(sample_input())
    check_document(doc)
    signed = sign_document(
        doc,
        private_key=private,
        verification_method="did:web:issuer.example#key-1",
        created="2026-01-01T00:00:00Z",
    )
    assert verify_document(signed, public_key=public)["proofPurpose"] == "assertionMethod"
    doc["@context"] = [*doc["@context"], "https://contexts.example/remote.jsonld"]
    with pytest.raises(UnsafeDocumentError):
        check_document(doc)
    assert no_network == []
