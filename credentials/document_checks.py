"""The pre-sign check: refuse documents that PyLD would sign but strict verifiers reject.

PyLD has no JSON-LD "safe mode": it silently drops terms no context defines and resolves
relative IRIs against the base. Digital Bazaar's and DCC's verifiers expand in safe mode and
reject such documents, so a credential signed with a dropped key would be unverifiable
elsewhere (and the dropped field would not be protected by the signature). We expand with
the bundled contexts, record every dropped key, and walk the expansion for non-absolute
`@id`/`@type`. Also refused: floats below 1e-6 (their canonical form differs between
implementations), dates not written `YYYY-MM-DDTHH:MM:SSZ`, and the terms whose meaning
depends on which copy of the OB context a verifier holds.
"""

from __future__ import annotations

import re
from typing import Any

from pyld import jsonld

from .canonical_labels import Quad, Unsupported, canonical_nquads
from .canonicalize import remember
from .fast_canon import to_quads
from .jsonld_loader import BUNDLED, load_document

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$")
# Relative IRIs get resolved against this base, so any IRI under it was relative in the input.
SENTINEL_BASE = "https://relative-iri.invalid/"
DATE_KEYS = frozenset({"validFrom", "validUntil", "created", "expires", "awardedDate"})
DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# `partial` (CLR 2.0.1) was added to the published context in place, like the two OB terms.
FORBIDDEN_TERMS = frozenset({"jti", "endorsementJwt", "partial"})
FORBIDDEN_TYPES = frozenset({"1EdTechJsonSchemaValidator2019"})


class UnsafeDocumentError(ValueError):
    """The document would not be signed faithfully; `.problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _walk_compact(node: object, path: str, problems: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if key == "@context":
                continue
            if key in FORBIDDEN_TERMS:
                problems.append(f"{here}: the term {key!r} must not be used in a credential")
            if key in DATE_KEYS and not (isinstance(value, str) and DATE_FORMAT.match(value)):
                problems.append(f"{here}: dates must be written YYYY-MM-DDTHH:MM:SSZ")
            if key == "type":
                types = value if isinstance(value, list) else [value]
                for t in types:
                    if t in FORBIDDEN_TYPES:
                        problems.append(f"{here}: type {t!r} is defined by no context")
            _walk_compact(value, here, problems)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _walk_compact(item, f"{path}[{i}]", problems)
    elif isinstance(node, float) and node != 0 and abs(node) < 1e-6:
        problems.append(f"{path}: numbers below 1e-6 are not allowed")


def _absolute(iri: str) -> bool:
    return bool(ABSOLUTE_IRI.match(iri)) and not iri.startswith(SENTINEL_BASE)


def _original(iri: str) -> str:
    return iri.removeprefix(SENTINEL_BASE)


def _walk_expanded(node: object, problems: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@id" and not _absolute(value):
                problems.append(f"id {_original(value)!r} is not an absolute IRI")
            elif key == "@type" and "@value" not in node:
                for t in value if isinstance(value, list) else [value]:
                    if not _absolute(t):
                        problems.append(f"type {_original(t)!r} is not defined by the contexts")
            elif key != "@value":
                _walk_expanded(value, problems)
    elif isinstance(node, list):
        for item in node:
            _walk_expanded(item, problems)


def find_problems(document: dict[str, Any]) -> list[str]:
    """Every reason `document` is unsafe to sign ([] when it is fine)."""
    return _inspect(document)[0]


def _inspect(document: dict[str, Any]) -> tuple[list[str], set[Quad] | None]:
    """(problems, the RDF quads when the fast walker could read the document)."""
    problems: list[str] = []
    contexts = document.get("@context")
    for ctx in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(ctx, str) and ctx not in BUNDLED:
            problems.append(f"the context {ctx!r} is not bundled (contexts are never fetched)")
    if problems:
        return problems, None
    _walk_compact(document, "", problems)
    dropped: list[str] = []
    try:
        # The fast walker expands exactly as PyLD does and refuses (Unsupported) every
        # relative IRI, so when it succeeds only the dropped keys remain to report.
        quads = to_quads(document, dropped=dropped)
    except Unsupported:
        dropped.clear()
    else:
        problems += [f"the key {key!r} is defined by no context" for key in dropped]
        return problems, quads
    try:
        expanded = jsonld.expand(
            document,
            {"documentLoader": load_document, "base": SENTINEL_BASE},
            on_property_dropped=lambda prop: dropped.append(str(prop)),
        )
    except jsonld.JsonLdError as exc:
        return [*problems, f"JSON-LD expansion failed: {exc.args[0] if exc.args else exc}"], None
    problems.extend(f"the key {key!r} is defined by no context" for key in dropped)
    _walk_expanded(expanded, problems)
    return problems, None


def check_document(document: dict[str, Any]) -> str | None:
    """Raise UnsafeDocumentError listing every problem when `document` is unsafe to sign.

    Returns the canonical N-Quads of the checked document when the fast path produced them
    (so the signature covers exactly the dataset that was checked), else None.
    """
    problems, quads = _inspect(document)
    if problems:
        raise UnsafeDocumentError(problems)
    if quads is None:
        return None
    try:
        canonical = canonical_nquads(quads)
    except Unsupported:
        return None
    remember(document, canonical)  # the verification after signing finds it (ADR 0010)
    return canonical
