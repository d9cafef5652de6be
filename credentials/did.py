"""did:web identifiers and DID documents for issuers (pure).

`did:web:<host>[%3A<port>]:issuers:<slug>` resolves to `https://<host>/issuers/<slug>/did.json`;
the bare host DID `did:web:<host>` to `/.well-known/did.json`. Verification methods are
`Multikey` with absolute ids and are all listed under `assertionMethod`: retired keys stay so
that credentials they signed keep verifying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .jsonld_loader import DID_V1, MULTIKEY_V1


@dataclass(frozen=True)
class PublishedKey:
    key_id: str  # fragment, e.g. "key-1"
    public_key_multibase: str


def did_web(base_url: str, *path: str) -> str:
    """The did:web for `base_url` (its host and port) and an optional path of segments."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"not an absolute URL: {base_url!r}")
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    segments = [quote(host, safe="")]
    segments += [s.strip("/") for s in parts.path.split("/") if s.strip("/")]
    segments += [quote(p, safe="") for p in path]
    return "did:web:" + ":".join(segments)


def did_web_url(did: str) -> str:
    """The HTTPS URL where a did:web document lives (per the did:web method spec)."""
    if not did.startswith("did:web:"):
        raise ValueError(f"not a did:web: {did!r}")
    segments = [unquote(s) for s in did.removeprefix("did:web:").split(":")]
    host, path = segments[0], segments[1:]
    return f"https://{host}/" + ("/".join(path) + "/did.json" if path else ".well-known/did.json")


def verification_method_id(did: str, key_id: str) -> str:
    return f"{did}#{key_id}"


def did_document(did: str, keys: list[PublishedKey]) -> dict[str, Any]:
    methods = [
        {
            "id": verification_method_id(did, k.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": k.public_key_multibase,
        }
        for k in keys
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
