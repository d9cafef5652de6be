"""verify(signed credential) -> result, pure: everything it needs is passed in.

Checks, each reported with a reason a person understands: the proof's form and signature;
that the signing key is in the issuer's DID document, controlled by the issuer and listed
under assertionMethod; that the key was not compromised before the proof was made; the
validity dates; the status (revoked / suspended); optionally the OB 3.0 JSON Schema.
A compromised key is judged by the caller (`key_problem`): the proof's `created` is chosen by
whoever holds the key, so only the issuer's own records can tell a genuine old credential
from a back-dated forgery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .clr_json import embedded_credentials, is_clr
from .multikey import MultikeyError, public_key_from_multibase
from .proofs import ProofError, split_proof, verify_document
from .signing import parse_datetime
from .vc_jwt import decode_vc_jwt

CLOCK_SKEW = timedelta(minutes=5)

# resolve_did(did) -> DID document or None; status_of(credentialStatus) -> "active" / "revoked" /
# "suspended" / None (unknown); key_problem(verification method id, document) -> a reason the key
# cannot vouch for this document (e.g. it was reported compromised), or None.
DidResolver = Callable[[str], dict[str, Any] | None]
StatusLookup = Callable[[dict[str, Any]], str | None]
KeyProblem = Callable[[str, dict[str, Any]], str | None]
SchemaCheck = Callable[[dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass
class VerificationResult:
    checks: list[Check] = field(default_factory=list)
    status: str = "unknown"  # active / revoked / suspended / expired / not_yet_valid / invalid

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def errors(self) -> list[str]:
        return [c.message for c in self.checks if not c.ok]

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": self.status,
            "checks": [{"name": c.name, "ok": c.ok, "message": c.message} for c in self.checks],
            "errors": self.errors,
        }


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _find_method(did_doc: dict[str, Any], method_id: str, did: str) -> dict[str, Any] | None:
    for method in did_doc.get("verificationMethod") or []:
        if isinstance(method, dict) and method.get("id") in (method_id, method_id[len(did) :]):
            return method
    return None


def _check_key(
    result: VerificationResult,
    document: dict[str, Any],
    proof: dict[str, Any],
    resolve_did: DidResolver,
) -> Ed25519PublicKey | None:
    issuer = _issuer_id(document)
    method_id = proof["verificationMethod"]
    if not issuer:
        result.add("issuer", False, "The credential names no issuer.")
        return None
    did = method_id.split("#", 1)[0]
    if did != issuer:
        result.add("issuer", False, "The credential was signed with a key of another issuer.")
        return None
    did_doc = resolve_did(did)
    if not isinstance(did_doc, dict) or did_doc.get("id") != did:
        result.add("issuer", False, f"The issuer {issuer} is not known to this verifier.")
        return None
    method = _find_method(did_doc, method_id, did)
    if method is None:
        result.add("issuer", False, "The signing key is not in the issuer's DID document.")
        return None
    listed = did_doc.get("assertionMethod") or []
    if method_id not in listed and method_id[len(did) :] not in listed:
        result.add("issuer", False, "The issuer does not authorise this key to issue credentials.")
        return None
    if method.get("controller") != did or method.get("type") != "Multikey":
        result.add("issuer", False, "The signing key is not a Multikey controlled by the issuer.")
        return None
    try:
        key = public_key_from_multibase(method.get("publicKeyMultibase", ""))
    except MultikeyError as exc:
        result.add("issuer", False, f"The issuer's key cannot be read: {exc}.")
        return None
    result.add("issuer", True, f"Signed with a key of {issuer}.")
    return key


def _check_dates(
    result: VerificationResult, document: dict[str, Any], proof: dict[str, Any], now: datetime
) -> None:
    try:
        valid_from = parse_datetime(document["validFrom"])
        valid_until = parse_datetime(document["validUntil"]) if "validUntil" in document else None
        created = parse_datetime(proof["created"])
    except (KeyError, TypeError, ValueError):
        result.add("dates", False, "The credential's dates are missing or malformed.")
        result.status = "invalid"
        return
    if valid_from > now + CLOCK_SKEW:
        result.add("dates", False, f"The credential is not valid before {document['validFrom']}.")
        result.status = "not_yet_valid"
    elif valid_until is not None and valid_until <= now:
        result.add("dates", False, f"The credential expired on {document['validUntil']}.")
        result.status = "expired"
    elif created > now + CLOCK_SKEW:
        result.add("dates", False, "The proof claims to be made in the future.")
        result.status = "invalid"
    else:
        result.add("dates", True, "The credential is within its validity period.")


def schema_name(document: dict[str, Any]) -> str:
    """The schema a credential is checked against: a learner's record (CLR) has its own."""
    return "CLR 2.0" if is_clr(document) else "Open Badges 3.0"


def _key_and_schema(
    result: VerificationResult,
    method_id: str,
    document: dict[str, Any],
    key_problem: KeyProblem | None,
    schema_check: SchemaCheck | None,
) -> bool:
    """After a valid proof: the caller's judgement of the key, then the schema. False (and
    the result invalid) when the key is refused; otherwise the result is active so far."""
    if key_problem is not None:
        problem = key_problem(method_id, document)
        if problem:
            result.add("key", False, problem)
            result.status = "invalid"
            return False
    if schema_check is not None:
        problems = schema_check(document)
        schema = schema_name(document)
        result.add(
            "schema",
            not problems,
            f"The credential matches the {schema} schema."
            if not problems
            else f"The credential does not match the {schema} schema: " + problems[0],
        )
    result.status = "active"
    return True


def verify(
    document: dict[str, Any],
    *,
    resolve_did: DidResolver,
    now: datetime,
    status_of: StatusLookup | None = None,
    key_problem: KeyProblem | None = None,
    schema_check: SchemaCheck | None = None,
) -> VerificationResult:
    result = VerificationResult()
    if not isinstance(document, dict):
        result.add("format", False, "This is not a credential (a JSON object was expected).")
        result.status = "invalid"
        return result
    try:
        _, proof = split_proof(document)
    except ProofError as exc:
        result.add("proof", False, f"The proof is unusable: {exc}.")
        result.status = "invalid"
        return result
    if proof.get("proofPurpose") != "assertionMethod":
        result.add("proof", False, "The proof was not made for issuing (assertionMethod).")
        result.status = "invalid"
        return result
    key = _check_key(result, document, proof, resolve_did)
    if key is None:
        result.status = "invalid"
        return result
    try:
        verify_document(document, public_key=key)
    except ProofError as exc:
        result.add("proof", False, f"The signature is not valid: {exc}.")
        result.status = "invalid"
        return result
    result.add("proof", True, "The signature is valid: the credential has not been altered.")
    if not _key_and_schema(
        result, proof["verificationMethod"], document, key_problem, schema_check
    ):
        return result
    _check_dates(result, document, proof, now)
    status = document.get("credentialStatus")
    if status is not None and status_of is not None:
        state = status_of(status) if isinstance(status, dict) else None
        if state == "revoked":
            result.add("status", False, "The issuer has revoked this credential.")
            result.status = "revoked"
        elif state == "suspended":
            result.add("status", False, "The issuer has suspended this credential.")
            result.status = "suspended"
        elif state is None:
            result.add("status", False, "The credential's status cannot be checked.")
            result.status = "invalid"
        else:
            result.add("status", True, "The credential has not been revoked or suspended.")
    if not result.ok and result.status == "active":
        result.status = "invalid"
    return result


def _jwt_claims_problem(header: dict[str, Any], claims: dict[str, Any]) -> bool:
    """Whether the registered claims contradict the credential they carry.

    OB 3.0 §8.2 form (`typ: JWT`): iss and jti are required; VC-JOSE-COSE (`typ: vc+jwt`):
    the credential is the payload and a registered claim, when present, must agree with it
    (and `vc` must not be there). In both, `sub` must be the subject's id when it has one.
    """
    vc_jose = header.get("typ") == "vc+jwt"
    if vc_jose and "vc" in claims:
        return True
    subject = claims.get("credentialSubject")
    pairs = [("iss", _issuer_id(claims)), ("jti", claims.get("id"))]
    if isinstance(subject, dict) and "id" in subject:
        pairs.append(("sub", subject["id"]))
    required = not vc_jose
    return any(
        (claim in claims or required) and claims.get(claim) != value for claim, value in pairs
    )


def verify_jwt(
    token: str,
    *,
    resolve_did: DidResolver,
    now: datetime,
    status_of: StatusLookup | None = None,
    key_problem: KeyProblem | None = None,
    schema_check: SchemaCheck | None = None,
) -> VerificationResult:
    """Verify a VC-JWT (either form): the EdDSA signature by a key of the issuer's DID, the
    key not compromised, the credential's schema, dates and status."""
    result = VerificationResult()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        result.add("format", False, "This is not a JWT.")
        result.status = "invalid"
        return result
    if header.get("alg") != "EdDSA" or not isinstance(header.get("kid"), str):
        result.add("proof", False, "The JWT is not signed with EdDSA under a named key (kid).")
        result.status = "invalid"
        return result
    key = _check_key(result, claims, {"verificationMethod": header["kid"]}, resolve_did)
    if key is None:
        result.status = "invalid"
        return result
    try:
        decode_vc_jwt(token, public_key=key, leeway=CLOCK_SKEW, now=now)
    except jwt.ExpiredSignatureError:
        result.add("dates", False, "The credential has expired.")
        result.status = "expired"
        return result
    except jwt.ImmatureSignatureError:
        result.add("dates", False, "The credential is not valid yet.")
        result.status = "not_yet_valid"
        return result
    except jwt.InvalidTokenError as exc:
        result.add("proof", False, f"The JWT signature is not valid: {exc}.")
        result.status = "invalid"
        return result
    if _jwt_claims_problem(header, claims):
        result.add("proof", False, "The JWT claims (iss, jti, sub) contradict the credential.")
        result.status = "invalid"
        return result
    result.add("proof", True, "The JWT signature is valid: the credential has not been altered.")
    # The payload is the credential (OB 3.0 §8.2 adds registered claims, which the schema
    # allows beside it), so the key and schema checks read it as they read a JSON credential.
    if not _key_and_schema(result, header["kid"], claims, key_problem, schema_check):
        return result
    _check_dates(result, claims, {"created": claims.get("validFrom")}, now)
    status = claims.get("credentialStatus")
    if status is not None and status_of is not None:
        state = status_of(status) if isinstance(status, dict) else None
        ok = state == "active"
        messages = {
            "revoked": "The issuer has revoked this credential.",
            "suspended": "The issuer has suspended this credential.",
            None: "The credential's status cannot be checked.",
        }
        result.add("status", ok, "Not revoked or suspended." if ok else messages.get(state, ""))
        if not ok:
            result.status = state or "invalid"
    if not result.ok and result.status == "active":
        result.status = "invalid"
    return result


@dataclass(frozen=True)
class EmbeddedResult:
    """One credential inside a learner's record (CLR), verified on its own."""

    position: int  # 1-based, in the record's order
    credential_id: str
    name: str
    result: VerificationResult


def verify_embedded(
    document: dict[str, Any], *, verify_one: Callable[[dict[str, Any]], VerificationResult]
) -> list[EmbeddedResult]:
    """Each credential a CLR embeds, verified by `verify_one` (the same checks as a credential
    presented alone: its own proof, issuer key, dates, status and schema). [] for anything
    that is not a CLR. A record whose own proof holds can still carry a credential revoked
    since: this says which."""
    if not is_clr(document):
        return []
    out = []
    for position, item in enumerate(embedded_credentials(document), start=1):
        if isinstance(item, dict):
            result = verify_one(item)
            name = item.get("name")
            credential_id = item.get("id")
        else:
            result = VerificationResult(status="invalid")
            result.add("format", False, "This entry of the record is not a credential.")
            name = credential_id = None
        out.append(
            EmbeddedResult(
                position=position,
                credential_id=credential_id if isinstance(credential_id, str) else "",
                name=name if isinstance(name, str) else "",
                result=result,
            )
        )
    return out
