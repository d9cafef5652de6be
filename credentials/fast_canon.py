"""Fast RDFC-1.0 canonicalization for the JSON-LD that credentials actually use.

Where PyLD spends its time (profiled in bench/issue.py): re-processing the same type- and
property-scoped contexts at every node, building the full expanded document and node map,
and a general URDNA2015 with deep copies. Here:

- context processing is still PyLD's own `_process_context`, but memoised per
  (active context, local context, flags), so each scoped context is processed once per process;
- the walk mirrors PyLD's expansion step by step (same revert/property-scope/type-scope order)
  and emits RDF quads directly, with no intermediate expanded document;
- canonical labelling takes the RDFC-1.0 "simple" path (every blank node has a unique
  first-degree hash), which is the whole algorithm for the documents we issue.

Anything outside that subset (lists, language/index/graph containers, value objects, @json,
@reverse, @nest, @included, relative IRIs, first-degree hash collisions...) raises
`Unsupported` and the caller falls back to PyLD. A hypothesis property test proves the output
byte-identical to PyLD's `normalize(..., algorithm='URDNA2015')` over varied credentials.
"""

from __future__ import annotations

import hashlib
import json
from numbers import Integral, Real
from typing import Any, cast

from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.nquads import escape

from .jsonld_loader import load_document

RDF_TYPE = jsonld.RDF_TYPE
XSD_BOOLEAN = jsonld.XSD_BOOLEAN
XSD_DOUBLE = jsonld.XSD_DOUBLE
XSD_INTEGER = jsonld.XSD_INTEGER
XSD_STRING = jsonld.XSD_STRING
_MAX_MEMO = 20_000

# PyLD's active context is a plain dict it builds; a term is ("I", iri), ("B", label) or
# ("L", lexical form, datatype IRI); a quad is (subject, predicate IRI, object).
Context = dict[str, Any]
Term = tuple[str, ...]
Quad = tuple[Term, str, Term]


class Unsupported(Exception):
    """The document uses a JSON-LD feature outside the fast path; use PyLD instead."""


class _Contexts:
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
        # Per (context, key): how node_body treats the key (see _Walker.plan).
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
        if len(self.processed) > _MAX_MEMO:
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
            if len(self.scoped_by_id) < _MAX_MEMO:
                self.scoped_by_id[key] = hit
        return hit

    def vocab(self, ctx: Context, term: str) -> str | None:
        key = (id(ctx), term)
        try:
            return self.vocab_iris[key]
        except KeyError:
            pass
        iri: str | None = self.processor._expand_iri(ctx, term, vocab=True)
        if len(self.vocab_iris) < _MAX_MEMO:
            self.vocab_iris[key] = iri
        return iri

    def document_iri(self, ctx: Context, value: str, *, vocab: bool = False) -> str:
        if vocab:  # types: a handful of terms, each expanded once per context
            key = (id(ctx), value)
            hit = self.type_iris.get(key)
            if hit is not None:
                return hit
        iri = _absolute(self.processor._expand_iri(ctx, value, vocab=vocab, base=""), value)
        if vocab and len(self.type_iris) < _MAX_MEMO:
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


_CONTEXTS = _Contexts()


def _term(ctx: Context, key: str | None, what: str | None) -> Any:
    return jsonld.JsonLdProcessor.get_context_value(ctx, key, what)


class _Walker:
    """Turns one JSON-LD document into a set of quads (default graph only)."""

    def __init__(self, dropped: list[str] | None = None) -> None:
        self.c = _CONTEXTS
        self.dropped = dropped if dropped is not None else []
        self.quads: set[Quad] = set()
        self.bnodes: dict[str, str] = {}
        self.counter = 0

    def fresh(self) -> Term:
        self.counter += 1
        return ("B", f"_:b{self.counter}")

    def node_ref(self, iri: str) -> Term:
        if iri.startswith("_:"):
            label = self.bnodes.get(iri)
            if label is None:
                label = self.bnodes[iri] = self.fresh()[1]
            return ("B", label)
        return ("I", iri)

    # -- expansion, mirroring JsonLdProcessor._expand for maps and scalars ---------------
    def values(self, ctx: Context, prop: str | None, element: Any, out: list[Term]) -> None:
        if element is None:
            return
        if isinstance(element, list):
            for item in element:
                self.values(ctx, prop, item, out)
            return
        if isinstance(element, dict):
            out.append(self.node(ctx, prop, element))
            return
        out.append(self.scalar(ctx, prop, element))

    def scalar_plan(self, ctx: Context, prop: str | None) -> tuple[Any, bool]:
        key = (id(ctx), prop)
        plan = self.c.scalar_plans.get(key)
        if plan is None:
            plan = (
                _term(ctx, prop, "@type"),
                _term(ctx, prop, "@language") is not None or bool(_term(ctx, prop, "@direction")),
            )
            if len(self.c.scalar_plans) < _MAX_MEMO:
                self.c.scalar_plans[key] = plan
        return plan

    def scalar(self, ctx: Context, prop: str | None, value: Any) -> Term:
        type_, tagged = self.scalar_plan(ctx, prop)
        if type_ in ("@id", "@vocab"):
            if not isinstance(value, str):
                raise Unsupported("non-string IRI value")
            if type_ == "@id":
                return self.node_ref(self.c.document_iri(ctx, value))
            return self.node_ref(self.c.document_iri(ctx, value, vocab=True))
        if type_ == "@json":
            raise Unsupported("@json literal")
        datatype = type_ if type_ not in (None, "@none") else None
        if datatype is None and isinstance(value, str) and tagged:
            raise Unsupported("language-tagged string")
        if isinstance(value, str):  # the common case first: the abc checks below are slow
            if datatype == XSD_DOUBLE:
                raise Unsupported("double coercion")
            return ("L", value, datatype or XSD_STRING)
        if isinstance(value, bool):
            return ("L", "true" if value else "false", datatype or XSD_BOOLEAN)
        # JSON numbers are int or float; numbers.Real's stub has neither is_integer nor __int__.
        number = cast(float, value)
        if isinstance(value, Real) and not isinstance(value, Integral) and not number.is_integer():
            return ("L", jsonld._canonicalize_double(value), datatype or XSD_DOUBLE)
        if datatype == XSD_DOUBLE or (isinstance(value, Real) and abs(number) >= 1e21):
            raise Unsupported("double coercion")
        if isinstance(value, Real):
            return ("L", str(int(number)), datatype or XSD_INTEGER)
        if not isinstance(value, str):
            raise Unsupported("unexpected scalar")
        return ("L", value, datatype or XSD_STRING)

    def node(self, ctx: Context, prop: str | None, element: dict[str, Any]) -> Term:
        c = self.c
        property_scoped = _term(ctx, prop, "@context") if prop is not None else None
        type_scoped = ctx if ctx.get("previousContext") else None
        must_revert = True
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded = c.vocab(type_scoped, key)
                if expanded == "@value":
                    raise Unsupported("value object")
                if expanded == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert and "previousContext" in ctx:
            ctx = ctx["previousContext"]
        if property_scoped is not None:
            ctx = c.scoped(ctx, property_scoped, override_protected=True)
        if "@context" in element:
            ctx = c.process(ctx, element["@context"])
        type_scoped = ctx
        for key in sorted(element):
            if c.vocab(ctx, key) != "@type":
                continue
            raw = element[key]
            for t in sorted(t for t in (raw if isinstance(raw, list) else [raw])):
                if not isinstance(t, str):
                    raise Unsupported("non-string type")
                scoped = _term(type_scoped, t, "@context")
                if scoped is not None and scoped is not False:
                    ctx = c.scoped(ctx, scoped, propagate=False)
        return self.node_body(ctx, type_scoped, element)

    def plan(self, ctx: Context, key: str) -> tuple[str, str, Context | None]:
        """(kind, expanded IRI, context for the values) of `key` in `ctx`, memoised.

        kind: "id", "type", "drop" (no context defines it, as PyLD drops it) or "prop".
        """
        memo_key = (id(ctx), key)
        plan = self.c.plans.get(memo_key)
        if plan is not None:
            return plan
        expanded = self.c.vocab(ctx, key)
        if expanded == "@id":
            plan = ("id", expanded, None)
        elif expanded == "@type":
            plan = ("type", expanded, None)
        elif expanded is None or not isinstance(expanded, str):
            plan = ("drop", "", None)
        elif expanded.startswith("@"):
            if jsonld._is_keyword(expanded):
                raise Unsupported(f"keyword {expanded}")
            plan = ("drop", "", None)
        elif not jsonld._is_absolute_iri(expanded):
            plan = ("drop", "", None)
        elif expanded.startswith("_:"):
            raise Unsupported("blank node predicate")
        else:
            definition = _term(ctx, key, None)
            if definition:
                if definition.get("reverse"):
                    raise Unsupported("@reverse")
                container = definition.get("@container")
                if container and any(x != "@set" for x in container):
                    raise Unsupported("container")
                if definition.get("@type") == "@json":
                    raise Unsupported("@json")
            term_ctx = ctx
            scoped = _term(ctx, key, "@context")
            if scoped is not None:
                term_ctx = self.c.scoped(ctx, scoped, override_protected=True)
            plan = ("prop", expanded, term_ctx)
        if len(self.c.plans) < _MAX_MEMO:
            self.c.plans[memo_key] = plan
        return plan

    def node_body(self, ctx: Context, type_scoped: Context, element: dict[str, Any]) -> Term:
        c = self.c
        subject: Term | None = None
        types: list[str] = []
        props: list[tuple[str, str, Context, object]] = []
        for key in sorted(element):
            if key == "@context":
                continue
            kind, expanded, term_ctx = self.plan(ctx, key)
            value = element[key]
            if kind == "prop":
                props.append((key, expanded, cast(Context, term_ctx), value))
            elif kind == "id":
                if not isinstance(value, str):
                    raise Unsupported("non-string @id")
                subject = self.node_ref(c.document_iri(ctx, value))
            elif kind == "type":
                for t in value if isinstance(value, list) else [value]:
                    if not isinstance(t, str):
                        raise Unsupported("non-string type")
                    iri = c.document_iri(type_scoped, t, vocab=True)
                    if iri.startswith("_:"):
                        raise Unsupported("blank node type")
                    types.append(iri)
            else:
                self.dropped.append(key)  # dropped, exactly as PyLD drops it
        if subject is None:
            subject = self.fresh()
        quads = self.quads
        for t in types:
            quads.add((subject, RDF_TYPE, ("I", t)))
        for key, predicate, term_ctx, value in props:
            objects: list[Term] = []
            self.values(term_ctx, key, value, objects)
            for obj in objects:
                quads.add((subject, predicate, obj))
        return subject


def _term_str(term: Term) -> str:
    kind = term[0]
    if kind == "I":
        return "<" + term[1] + ">"
    if kind == "B":
        return term[1]
    out = '"' + cast(str, escape(term[1])) + '"'
    if term[2] != XSD_STRING:
        out += "^^<" + term[2] + ">"
    return out


def to_quads(document: dict[str, Any], *, dropped: list[str] | None = None) -> set[Quad]:
    """The RDF dataset (default graph) of a JSON-LD document, as a set of quads.

    Keys that no context defines are left out, as PyLD does, and appended to `dropped`.
    """
    if not isinstance(document, dict):
        raise Unsupported("top-level array")
    walker = _Walker(dropped)
    walker.node(_CONTEXTS.initial, None, document)
    return walker.quads


def canonical_nquads(quads: set[Quad]) -> str:
    """RDFC-1.0 of `quads` when every blank node has a unique first-degree hash."""
    # Each quad as (subject text or None, blank subject, " <p> ", object text or None, blank
    # object): the N-Quads text of IRIs and literals is built once, not once per use.
    parts: list[tuple[str | None, str, str, str | None, str]] = []
    mentions: dict[str, list[int]] = {}
    for i, (s, p, o) in enumerate(quads):
        s_blank = s[1] if s[0] == "B" else ""
        o_blank = o[1] if o[0] == "B" else ""
        parts.append(
            (
                None if s_blank else "<" + s[1] + ">",
                s_blank,
                " <" + p + "> ",
                None if o_blank else _term_str(o),
                o_blank,
            )
        )
        if s_blank:
            mentions.setdefault(s_blank, []).append(i)
        if o_blank and o_blank != s_blank:
            mentions.setdefault(o_blank, []).append(i)
    hashes: dict[str, str] = {}
    for bnode, indexes in mentions.items():
        lines = []
        for i in indexes:
            s_str, s_blank, p_str, o_str, o_blank = parts[i]
            if s_str is None:
                s_str = "_:a" if s_blank == bnode else "_:z"
            if o_str is None:
                o_str = "_:a" if o_blank == bnode else "_:z"
            lines.append(s_str + p_str + o_str + " .\n")
        lines.sort()
        hashes[hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()] = bnode
    if len(hashes) != len(mentions):
        raise Unsupported("blank nodes share a first-degree hash")
    canonical = {bnode: f"_:c14n{i}" for i, (_, bnode) in enumerate(sorted(hashes.items()))}
    out = []
    for s_str, s_blank, p_str, o_str, o_blank in parts:
        out.append(
            (s_str if s_str is not None else canonical[s_blank])
            + p_str
            + (o_str if o_str is not None else canonical[o_blank])
            + " .\n"
        )
    out.sort()
    return "".join(out)


def fast_canonicalize(document: dict[str, Any]) -> str:
    """Canonical N-Quads, or Unsupported when the document needs the general algorithm."""
    return canonical_nquads(to_quads(document))
