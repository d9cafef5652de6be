"""eddsa-rdfc-2022 against the W3C test vectors (vc-di-eddsa), byte for byte."""

import json
from pathlib import Path

import pytest

from credentials.canonicalize import canonicalize, reference_canonicalize
from credentials.multikey import (
    MultikeyError,
    private_key_from_multibase,
    public_key_from_multibase,
    public_key_multibase,
)
from credentials.proofs import ProofError, hash_inputs, proof_config, sign_document, verify_document

VECTORS = Path(__file__).parent / "vectors"
RDFC = VECTORS / "eddsa-rdfc-2022"


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def key_pair():
    kp = _json(VECTORS / "keyPair.json")
    return private_key_from_multibase(kp["privateKeyMultibase"]), kp["publicKeyMultibase"]


def test_multikey_round_trip(key_pair):
    private, public_mb = key_pair
    assert public_key_multibase(private.public_key()) == public_mb
    assert public_key_multibase(public_key_from_multibase(public_mb)) == public_mb
    assert public_mb.startswith("z6Mk")


@pytest.mark.parametrize("bad", ["", "abc", "z", "z6Mk0OIl", public_key_multibase.__name__])
def test_multikey_rejects_garbage(bad):
    with pytest.raises(MultikeyError):
        public_key_from_multibase(bad)


def test_canonical_forms_and_hashes_match_vectors():
    unsigned = _json(VECTORS / "unsigned.json")
    config = _json(RDFC / "proofConfigDataInt.json")
    for canon in (canonicalize, reference_canonicalize):
        assert canon(unsigned) == (RDFC / "canonDocDataInt.txt").read_text()
        assert canon(config) == (RDFC / "proofCanonDataInt.txt").read_text()
    inputs = hash_inputs(unsigned, config)
    assert inputs.hash_data.hex() == (RDFC / "combinedHashDataInt.txt").read_text().strip()


def test_signature_reproduces_vector(key_pair):
    private, _ = key_pair
    config = _json(RDFC / "proofConfigDataInt.json")
    signed = sign_document(
        _json(VECTORS / "unsigned.json"),
        private_key=private,
        verification_method=config["verificationMethod"],
        created=config["created"],
    )
    assert signed == _json(RDFC / "signedDataInt.json")
    assert signed["proof"]["proofValue"] == (RDFC / "sigBTC58DataInt.txt").read_text().strip()


def test_vector_verifies_and_tampering_fails(key_pair):
    _, public_mb = key_pair
    public = public_key_from_multibase(public_mb)
    signed = _json(RDFC / "signedDataInt.json")
    assert verify_document(signed, public_key=public)["proofPurpose"] == "assertionMethod"
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    with pytest.raises(ProofError, match="altered"):
        verify_document(signed, public_key=public)


def test_proof_config_tampering_fails(key_pair):
    public = public_key_from_multibase(key_pair[1])
    signed = _json(RDFC / "signedDataInt.json")
    signed["proof"]["created"] = "2024-02-24T23:36:38Z"
    with pytest.raises(ProofError):
        verify_document(signed, public_key=public)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("proof"), "no proof"),
        (lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"), "unsupported proof"),
        (lambda d: d["proof"].update(proofValue="notmultibase"), "base58"),
        (lambda d: d["proof"].update(proofValue="z3mJ"), "64 bytes"),
        (lambda d: d["proof"].pop("verificationMethod"), "verificationMethod"),
    ],
)
def test_malformed_proofs_are_explained(key_pair, mutate, message):
    signed = _json(RDFC / "signedDataInt.json")
    mutate(signed)
    with pytest.raises(ProofError, match=message):
        verify_document(signed, public_key=public_key_from_multibase(key_pair[1]))


def test_proof_config_carries_document_context():
    cfg = proof_config(context=["a"], verification_method="vm", created="c", purpose="p")
    assert cfg["@context"] == ["a"] and cfg["cryptosuite"] == "eddsa-rdfc-2022"
