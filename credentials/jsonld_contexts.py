"""PyLD's JSON-LD context processing, memoised for the fast canonicalizer (`fast_canon`).

PyLD processes the same type- and property-scoped contexts again at every node; here each
(active context, local context, flags) is processed once per process by PyLD's own
`_process_context`, and the IRI expansions the walk asks for are remembered per context.
Every context returned is kept alive, so a context's `id()` is a stable memo key. A memo that
outgrows `MAX_MEMO` raises `Unsupported` (or stops remembering) and the caller falls back to
PyLD.
"""

from __future__ import annotations

import json
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .canonical_labels import Unsupported
from .jsonld_loader import load_document

MAX_MEMO = 20_000

# PyLD's active context is a plain dict it builds.
Context = dict[str, Any]


class Contexts:
    """Memoised PyLD context processing; keeps every context it returns alive (ids are keys)."""

    def __init__(self) -> None:
        self.processor = jsonld.JsonLdProcessor()
        self.options = {
            "documentLoader": load_document,
            "contextResolver": ContextResolver(jsonld._resolved_context_cache, load_document),
            "base": "",
            "processingMode": "json-ld-1.1",
            "isFrame": False,
        }
        self.initial: Context = self.processor._get_initial_context(self.options)
        self.processed: dict[tuple[Any, ...], tuple[Context, Context]] = {}
        self.vocab_iris: dict[tuple[int, str], str | None] = {}
        # Scoped contexts (type-, property-scoped) are objects owned by a processed context,
        # which is kept alive, so their id is a stable key: no JSON dump per node.
        self.scoped_by_id: dict[tuple[int, int, bool, bool], Context] = {}
        # Per (context, key): how node_body treats the key (see fast_canon._Walker.plan).
        self.plans: dict[tuple[int, str], tuple[str, str, Context | None]] = {}
        # Per (context, property): (coerced @type, language/direction set, scoped @context).
        self.scalar_plans: dict[tuple[int, str | None], tuple[Any, bool]] = {}
        self.type_iris: dict[tuple[int, str], str] = {}
        self.keep_alive: list[Any] = [self.initial]

    def process(
        self,
        active: Context,
        local: Any,
        *,
        override_protected: bool = False,
        propagate: bool = True,
    ) -> Context:
        local_key: str | tuple[str, ...]
        if isinstance(local, str):
            local_key = local
        elif isinstance(local, list) and all(isinstance(x, str) for x in local):
            local_key = tuple(local)
        else:
            local_key = json.dumps(local, sort_keys=True)
        key = (id(active), local_key, override_protected, propagate)
        hit = self.processed.get(key)
        if hit is not None:
            return hit[1]
        if len(self.processed) > MAX_MEMO:
            raise Unsupported("context memo full")
        result: Context = self.processor._process_context(
            active,
            local,
            self.options,
            override_protected=override_protected,
            propagate=propagate,
        )
        self.processed[key] = (active, result)
        self.keep_alive.append(local)
        return result

    def scoped(
        self,
        active: Context,
        local: Any,
        *,
        override_protected: bool = False,
        propagate: bool = True,
    ) -> Context:
        """`process` for a context held by a term definition of a processed (live) context."""
        key = (id(active), id(local), override_protected, propagate)
        hit = self.scoped_by_id.get(key)
        if hit is None:
            hit = self.process(
                active, local, override_protected=override_protected, propagate=propagate
            )
            if len(self.scoped_by_id) < MAX_MEMO:
                self.scoped_by_id[key] = hit
        return hit

    def vocab(self, ctx: Context, term: str) -> str | None:
        key = (id(ctx), term)
        try:
            return self.vocab_iris[key]
        except KeyError:
            pass
        iri: str | None = self.processor._expand_iri(ctx, term, vocab=True)
        if len(self.vocab_iris) < MAX_MEMO:
            self.vocab_iris[key] = iri
        return iri

    def document_iri(self, ctx: Context, value: str, *, vocab: bool = False) -> str:
        if vocab:  # types: a handful of terms, each expanded once per context
            key = (id(ctx), value)
            hit = self.type_iris.get(key)
            if hit is not None:
                return hit
        iri = _absolute(self.processor._expand_iri(ctx, value, vocab=vocab, base=""), value)
        if vocab and len(self.type_iris) < MAX_MEMO:
            self.type_iris[key] = iri
        return iri


def _absolute(iri: object, original: str) -> str:
    # PyLD resolves relative IRIs against DEFAULT_BASE_IRI when no base is given: that is
    # the silent rewrite the pre-sign check must see, so it leaves the fast path.
    if (
        not isinstance(iri, str)
        or not jsonld._is_absolute_iri(iri)
        or (iri.startswith(jsonld.DEFAULT_BASE_IRI) and not original.startswith(iri))
    ):
        raise Unsupported("relative IRI")
    return iri


def term_value(ctx: Context, key: str | None, what: str | None) -> Any:
    """What the active context defines for `key` (`what`: "@type", "@context"..., or None for
    the whole term definition)."""
    return jsonld.JsonLdProcessor.get_context_value(ctx, key, what)


# One per process: what it remembers serves every document.
CONTEXTS = Contexts()
