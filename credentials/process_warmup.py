"""What a worker does once, before its pool forks, so its processes' first credentials cost
what the later ones do (ADR 0096, 0099).

- The fast OB 3.0 schema check is compiled (about 0.1 s: `credentials.schema`).
- One demo credential is composed, checked, signed and verified with a throwaway key: that
  fills the JSON-LD context memo (`jsonld_contexts.CONTEXTS`: PyLD processes the VC and
  OB 3.0 contexts and their type-scoped contexts once per process) and the canonicalizer's
  per-context plans, which every real credential then finds ready: a fresh process's first
  credential composed and checked in 1.2 ms instead of 9.4.

Pure: no database, cache or network is touched (a forked process would share the
connection), and nothing is stored. The demo credential is thrown away.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import demo
from .credential_json import compose_credential
from .did import PublishedKey, did_document, did_web
from .document_checks import check_document
from .documents import IssuerInput
from .multikey import public_key_multibase
from .proofs import sign_document
from .schema import compile_validators
from .verification_checks import verify

_BASE = "https://warm-up.invalid"


def warm_up() -> None:
    """Compile the schema check, then issue and verify one throwaway demo credential."""
    compile_validators()
    key = Ed25519PrivateKey.generate()
    did = did_web(_BASE, "issuers", "warm-up")
    document = compose_credential(
        demo.demo_credential_input(
            0,
            base_url=_BASE,
            issuer=IssuerInput(did, "Warm-up", _BASE),
            achievement=demo.demo_achievement(_BASE),
        )
    )
    signed = sign_document(
        document,
        private_key=key,
        verification_method=f"{did}#key-1",
        created="2026-01-15T10:00:00Z",
        canonical_document=check_document(document),
    )
    published = did_document(did, [PublishedKey("key-1", public_key_multibase(key.public_key()))])
    result = verify(signed, resolve_did={did: published}.get, now=datetime(2026, 6, 1, tzinfo=UTC))
    if not result.ok:  # never: the same code signs every credential
        raise RuntimeError(f"the warm-up credential did not verify: {result.errors}")
