"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (pure: no ORM, no HTTP).

Sign: canonicalize the proof options (with the document's @context) and the document without
its proof, hash each with SHA-256, sign hash(proof config) || hash(document) with Ed25519 and
put the signature, base58-btc multibase, into `proofValue`. Verify does the same and checks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonicalize import canonicalize
from .multikey import MultikeyError, decode_base58btc, encode_base58btc

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """The proof is missing, malformed or does not verify; the message says why."""


@dataclass(frozen=True)
class ProofInputs:
    """The intermediate values of the algorithm (kept for tests against the W3C vectors)."""

    canonical_document: str
    canonical_proof_config: str
    hash_data: bytes


def proof_config(
    *, context: object, verification_method: str, created: str, purpose: str
) -> dict[str, Any]:
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
        "@context": context,
    }


def hash_inputs(
    unsecured: dict[str, Any], config: dict[str, Any], canonical_document: str | None = None
) -> ProofInputs:
    """Canonicalize and hash the document (without proof) and the proof config (no proofValue).

    `canonical_document`, when given, must be the RDFC-1.0 form of `unsecured` (the pre-sign
    check computes it already).
    """
    canon_config = _canonical_config(json.dumps(config, sort_keys=True))
    canon_doc = canonical_document if canonical_document is not None else canonicalize(unsecured)
    hash_data = (
        hashlib.sha256(canon_config.encode("utf-8")).digest()
        + hashlib.sha256(canon_doc.encode("utf-8")).digest()
    )
    return ProofInputs(canon_doc, canon_config, hash_data)


@lru_cache(maxsize=512)
def _canonical_config(config_json: str) -> str:
    # Proof configs repeat (one per key, date and purpose), and the canonical form is a pure
    # function of the JSON, so it is computed once per distinct config.
    return canonicalize(json.loads(config_json))


def sign_document(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    purpose: str = "assertionMethod",
    canonical_document: str | None = None,
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-rdfc-2022 DataIntegrityProof added."""
    if "proof" in document:
        raise ProofError("the document already carries a proof")
    config = proof_config(
        context=document["@context"],
        verification_method=verification_method,
        created=created,
        purpose=purpose,
    )
    inputs = hash_inputs(document, config, canonical_document)
    signature = private_key.sign(inputs.hash_data)
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = encode_base58btc(signature)
    return {**document, "proof": proof}


def split_proof(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(document without proof, proof); raises ProofError when the proof is unusable."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("expected exactly one proof")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the credential has no proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"unsupported proof: expected {PROOF_TYPE} with {CRYPTOSUITE}")
    for key in ("verificationMethod", "proofPurpose", "proofValue", "created"):
        if not isinstance(proof.get(key), str):
            raise ProofError(f"the proof has no {key}")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return unsecured, proof


def verify_document(document: dict[str, Any], *, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Check the proof of `document` with `public_key`; returns the proof, or raises ProofError."""
    unsecured, proof = split_proof(document)
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise ProofError("the proof's @context differs from the document's")
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    config["@context"] = document.get("@context")
    try:
        signature = decode_base58btc(proof["proofValue"])
    except MultikeyError as exc:
        raise ProofError(f"the proofValue is not base58-btc: {exc}") from exc
    if len(signature) != 64:
        raise ProofError("the proofValue is not an Ed25519 signature (64 bytes)")
    try:
        inputs = hash_inputs(unsecured, config)
    except Exception as exc:  # PyLD raises its own error types for documents it cannot read
        raise ProofError(f"the credential cannot be canonicalized: {exc}") from exc
    try:
        public_key.verify(signature, inputs.hash_data)
    except InvalidSignature:
        raise ProofError("the signature does not match: the credential was altered") from None
    return proof
