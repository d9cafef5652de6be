"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, offline.

`reference_canonicalize` is PyLD's own path (the yardstick). PyLD calls RDFC-1.0 by its older
name URDNA2015, rejects 'RDFC-1.0' and would silently default to URGNA2012 without the
`algorithm` option, so the option is always given; `rdfDirection='i18n-datatype'` is what
Digital Bazaar's jsonld.js uses for VC 2.0. `canonicalize` is the fast path (see fast_canon).

The canonical form is a pure function of the document's JSON, so the last few are remembered
by the SHA-256 of that JSON (ADR 0010): issuing signs the form the pre-sign check computed,
and the verification that follows finds it instead of computing it a second time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
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


_REMEMBERED: OrderedDict[bytes, str] = OrderedDict()
_REMEMBER = 64
_LOCK = threading.Lock()  # web servers verify in threads


def _content_key(document: dict[str, Any]) -> bytes | None:
    # Key order does not change the dataset (both canonicalizers sort keys); anything else
    # (list order, 1 vs 1.0 vs true, every character) is in the key.
    try:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).digest()


def remember(document: dict[str, Any], canonical: str) -> None:
    """Record that `canonical` is the RDFC-1.0 form of `document` (as computed just now)."""
    key = _content_key(document)
    if key is not None:
        _store(key, canonical)


def _store(key: bytes, canonical: str) -> None:
    with _LOCK:
        _REMEMBERED[key] = canonical
        _REMEMBERED.move_to_end(key)
        while len(_REMEMBERED) > _REMEMBER:
            _REMEMBERED.popitem(last=False)


def canonicalize(document: dict[str, Any]) -> str:
    """Canonical N-Quads of `document`; byte-identical to `reference_canonicalize`."""
    key = _content_key(document)
    if key is not None:
        with _LOCK:
            hit = _REMEMBERED.get(key)
        if hit is not None:
            return hit
    try:
        canonical = fast_canonicalize(document)
    except Unsupported:
        canonical = reference_canonicalize(document)
    if key is not None:
        _store(key, canonical)
    return canonical
