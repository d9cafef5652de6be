"""The demo's outside organisation: an employers' guild that endorses the demo credential.

It lives on the demo's own server, at /demo-org/guild/did.json (mounted only with the sandbox),
so the registration reads its did:web document over real HTTP like any other organisation's
(a loopback DID: allowed because the sandbox turns ENDORSER_LOOPBACK_DIDS on). Its Ed25519 key
is derived from a fixed phrase: a demo key, public by design, never for anything real.
"""

from __future__ import annotations

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

from credentials.did import PublishedKey, did_document, did_web
from credentials.documents import IssuerInput
from credentials.endorsement_json import EndorsementInput, compose_endorsement
from credentials.multikey import public_key_multibase
from credentials.proofs import sign_document

GUILD_NAME = "Digital Skills Employers' Guild (demo)"
GUILD_COMMENT = (
    "Our member companies recognise this credential when hiring for entry-level digital "
    "roles: its criteria match what we ask of new staff."
)
KEY = Ed25519PrivateKey.from_private_bytes(
    hashlib.sha256(b"credbridge demo employers' guild").digest()
)


def guild_did() -> str:
    return did_web(settings.PUBLIC_BASE_URL, "demo-org", "guild")


def did_json(request: HttpRequest) -> HttpResponse:
    document = did_document(
        guild_did(), [PublishedKey("key-1", public_key_multibase(KEY.public_key()))]
    )
    return HttpResponse(json.dumps(document, indent=2), content_type="application/did+json")


app_name = "demo"
urlpatterns = [path("guild/did.json", did_json, name="guild_did")]


def signed_endorsement(*, subject_id: str, subject_name: str) -> dict:
    """The guild's endorsement of `subject_id`, signed with its key (as it would do itself)."""
    did = guild_did()
    unsigned = compose_endorsement(
        EndorsementInput(
            credential_id=f"{settings.PUBLIC_BASE_URL.rstrip('/')}/demo-org/guild/endorsements/1",
            issuer=IssuerInput(id=did, name=GUILD_NAME, url="https://guild.example"),
            subject_id=subject_id,
            name=f"The Employers' Guild endorses {subject_name}",
            comment=GUILD_COMMENT,
            valid_from="2026-01-01T00:00:00Z",
        )
    )
    return sign_document(
        unsigned,
        private_key=KEY,
        verification_method=f"{did}#key-1",
        created="2026-01-01T00:00:00Z",
    )
