"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, offline.

`reference_canonicalize` is PyLD's own path (the yardstick). PyLD calls RDFC-1.0 by its older
name URDNA2015, rejects 'RDFC-1.0' and would silently default to URGNA2012 without the
`algorithm` option, so the option is always given; `rdfDirection='i18n-datatype'` is what
Digital Bazaar's jsonld.js uses for VC 2.0. `canonicalize` is the fast path (see fast_canon).
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld

from .fast_canon import Unsupported, fast_canonicalize
from .jsonld_loader import load_document

NORMALIZE_OPTIONS = {
    "algorithm": "URDNA2015",
    "format": "application/n-quads",
    "rdfDirection": "i18n-datatype",
    "safe": False,
    "documentLoader": load_document,
}


def reference_canonicalize(document: dict[str, Any]) -> str:
    """Canonical N-Quads of `document` computed by PyLD's normalize (slow, authoritative)."""
    canonical: str = jsonld.normalize(document, dict(NORMALIZE_OPTIONS))
    return canonical


def canonicalize(document: dict[str, Any]) -> str:
    """Canonical N-Quads of `document`; byte-identical to `reference_canonicalize`."""
    try:
        return fast_canonicalize(document)
    except Unsupported:
        return reference_canonicalize(document)
