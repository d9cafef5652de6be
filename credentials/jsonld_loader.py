"""An offline JSON-LD document loader over the contexts bundled in `credentials/contexts/`.

Signing and verification must never touch the network: a context fetched at run time could
change (the OB 3.0.3 context has been changed in place by some copies) and with it the meaning,
hence the signature, of every credential. Unknown URLs are refused, not fetched.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pyld.jsonld import JsonLdError

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

BUNDLED = MappingProxyType(
    {
        VC_V2: "credentials-v2.jsonld",
        OB_V3: "ob_v3p0_context-3.0.3.json",
        CLR_V2: "clr_v2p0_context-2.0.1.json",
        DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
        MULTIKEY_V1: "multikey-v1.jsonld",
        DID_V1: "did-v1.jsonld",
        STATUS_LIST_V1: "bitstring-status-list-v1.jsonld",
        VC_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    }
)


@cache
def _load(url: str) -> dict[str, Any]:
    context: dict[str, Any] = json.loads((CONTEXTS_DIR / BUNDLED[url]).read_text(encoding="utf-8"))
    return context


def context_document(url: str) -> dict[str, Any]:
    """The parsed bundled context for `url` (shared: callers must not mutate it)."""
    try:
        return _load(url)
    except KeyError:
        raise JsonLdError(
            f"JSON-LD context {url!r} is not bundled; credentials never load remote contexts.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        ) from None


def load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """PyLD `documentLoader` signature: returns the RemoteDocument for a bundled context."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
