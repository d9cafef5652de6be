"""Fast RDFC-1.0 canonicalization for the JSON-LD that credentials actually use.

Where PyLD spends its time (profiled in bench/issue.py): re-processing the same type- and
property-scoped contexts at every node, building the full expanded document and node map,
and a general URDNA2015 with deep copies. Here:

- context processing is still PyLD's own `_process_context`, but memoised per
  (active context, local context, flags), so each scoped context is processed once per process
  (credentials.jsonld_contexts);
- the walk mirrors PyLD's expansion step by step (same revert/property-scope/type-scope order)
  and emits RDF quads directly, with no intermediate expanded document;
- the quads of a node object with its own IRI and nested nodes (the achievement every
  credential of an award repeats) are remembered per (context, property, JSON) and replayed
  with fresh blank nodes (credentials.subtree_memo);
- `@graph` containers (the `proof` of an embedded endorsement, a record's embedded
  `verifiableCredential`s) become blank-node named graphs, as PyLD's node map makes them;
- canonical labelling is credentials.canonical_labels (RDFC-1.0's simple path when every
  blank node has a unique first-degree hash, PyLD's URDNA2015 on the quads otherwise).

Anything outside that subset (lists, language/index/id containers, graph objects, value
objects, @json, @reverse, @nest, @included, relative IRIs...) raises `Unsupported` and the
caller falls back to PyLD. Hypothesis property tests prove the output byte-identical to PyLD's
`normalize(..., algorithm='URDNA2015')` over varied credentials, endorsements and records.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, cast

from pyld import jsonld

from . import subtree_memo
from .canonical_labels import Quad, Term, Unsupported, canonical_nquads
from .jsonld_contexts import CONTEXTS, MAX_MEMO, Context
from .jsonld_contexts import term_value as _term

# Unsupported is raised here and caught by callers; it lives with the labelling it shares.
__all__ = ["Unsupported", "canonical_nquads", "fast_canonicalize", "to_quads"]

RDF_TYPE = jsonld.RDF_TYPE
XSD_BOOLEAN = jsonld.XSD_BOOLEAN
XSD_DOUBLE = jsonld.XSD_DOUBLE
XSD_INTEGER = jsonld.XSD_INTEGER
XSD_STRING = jsonld.XSD_STRING


class _Walker:
    """Turns one JSON-LD document into a set of quads."""

    def __init__(self, dropped: list[str] | None = None) -> None:
        self.c = CONTEXTS
        self.dropped = dropped if dropped is not None else []
        self.quads: set[Quad] = set()
        self.bnodes: dict[str, str] = {}
        self.counter = 0
        self.graph: Term | None = None  # where the node being walked puts its quads

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
            if subtree_memo.worth_remembering(element):
                out.append(self.remembered_node(ctx, prop, element))
            else:
                out.append(self.node(ctx, prop, element))
            return
        out.append(self.scalar(ctx, prop, element))

    def remembered_node(self, ctx: Context, prop: str | None, element: dict[str, Any]) -> Term:
        """`node`, from the quads remembered for this (context, property, JSON) when there
        are some (credentials.subtree_memo): the achievement every credential repeats."""
        try:
            memo_key = subtree_memo.key(id(ctx), prop, element)
        except (TypeError, ValueError):
            return self.node(ctx, prop, element)
        subtree = subtree_memo.recall(memo_key)
        if subtree is None:
            walker = _Walker()
            subject = walker.node(ctx, prop, element)
            if walker.bnodes:
                # A blank node named in the JSON ("_:x") is the same node wherever the
                # document names it: its label cannot be made fresh on each replay.
                return self.node(ctx, prop, element)
            subtree = subtree_memo.remember(memo_key, subject, walker.quads, walker.dropped)
        return self.replay(subtree)

    def replay(self, subtree: subtree_memo.Subtree) -> Term:
        """Add a remembered subtree's quads, its blank nodes fresh, in the current graph."""
        fresh = {label: self.fresh()[1] for label in subtree.labels}
        graph = self.graph
        if graph is None:
            self.quads.update(subtree.plain)
        else:
            self.quads.update((s, p, o, graph) for s, p, o, _ in subtree.plain)
        add = self.quads.add
        for s, p, o, g in subtree.labelled:
            if s[0] == "B":
                s = ("B", fresh[s[1]])
            if o[0] == "B":
                o = ("B", fresh[o[1]])
            if g is None:
                g = graph
            elif g[0] == "B":
                g = ("B", fresh[g[1]])
            add((s, p, o, g))
        self.dropped.extend(subtree.dropped)
        subject = subtree.subject
        return ("B", fresh[subject[1]]) if subject[0] == "B" else subject

    def scalar_plan(self, ctx: Context, prop: str | None) -> tuple[Any, bool]:
        key = (id(ctx), prop)
        plan = self.c.scalar_plans.get(key)
        if plan is None:
            plan = (
                _term(ctx, prop, "@type"),
                _term(ctx, prop, "@language") is not None or bool(_term(ctx, prop, "@direction")),
            )
            if len(self.c.scalar_plans) < MAX_MEMO:
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
            kind = "prop"
            definition = _term(ctx, key, None)
            if definition:
                if definition.get("reverse"):
                    raise Unsupported("@reverse")
                container = definition.get("@container")
                if container and "@graph" in container:
                    # Only a plain graph container (@graph, maybe with @set): with @id or
                    # @index the values are maps keyed by graph name or index.
                    if any(x not in ("@graph", "@set") for x in container):
                        raise Unsupported("container")
                    kind = "graph"
                elif container and any(x != "@set" for x in container):
                    raise Unsupported("container")
                if definition.get("@type") == "@json":
                    raise Unsupported("@json")
            term_ctx = ctx
            scoped = _term(ctx, key, "@context")
            if scoped is not None:
                term_ctx = self.c.scoped(ctx, scoped, override_protected=True)
            plan = (kind, expanded, term_ctx)
        if len(self.c.plans) < MAX_MEMO:
            self.c.plans[memo_key] = plan
        return plan

    def node_body(self, ctx: Context, type_scoped: Context, element: dict[str, Any]) -> Term:
        c = self.c
        subject: Term | None = None
        types: list[str] = []
        props: list[tuple[str, str, Context, object]] = []
        graph_props: list[tuple[str, str, Context, object]] = []
        for key in sorted(element):
            if key == "@context":
                continue
            kind, expanded, term_ctx = self.plan(ctx, key)
            value = element[key]
            if kind == "prop":
                props.append((key, expanded, cast(Context, term_ctx), value))
            elif kind == "graph":
                graph_props.append((key, expanded, cast(Context, term_ctx), value))
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
        graph = self.graph
        for t in types:
            quads.add((subject, RDF_TYPE, ("I", t), graph))
        for key, predicate, term_ctx, value in props:
            objects: list[Term] = []
            self.values(term_ctx, key, value, objects)
            for obj in objects:
                quads.add((subject, predicate, obj, graph))
        for key, predicate, term_ctx, value in graph_props:
            for name in self.graph_values(term_ctx, key, value):
                quads.add((subject, predicate, name, graph))
        return subject

    def graph_values(self, ctx: Context, prop: str, value: Any) -> list[Term]:
        """Each node object of a `@graph` container value in a named graph of its own.

        PyLD wraps each expanded value as {"@graph": [value]}; the node map names that graph
        object with a fresh blank node, which is then the property's object, and the value's
        quads (its nested nodes and graphs too) go into that graph.
        """
        names: list[Term] = []
        outer = self.graph
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, list) or not isinstance(item, dict):
                # a string is a reference wrapped into a graph; nested arrays flatten: neither
                # is a shape we issue
                raise Unsupported("graph container value that is not a node object")
            name = self.fresh()
            self.graph = name
            try:
                self.node(ctx, prop, item)
            finally:
                self.graph = outer
            names.append(name)
        return names


def to_quads(document: dict[str, Any], *, dropped: list[str] | None = None) -> set[Quad]:
    """The RDF dataset of a JSON-LD document (named graphs included), as a set of quads.

    Keys that no context defines are left out, as PyLD does, and appended to `dropped`.
    """
    if not isinstance(document, dict):
        raise Unsupported("top-level array")
    walker = _Walker(dropped)
    walker.node(CONTEXTS.initial, None, document)
    return walker.quads


def fast_canonicalize(document: dict[str, Any]) -> str:
    """Canonical N-Quads, or Unsupported when the document needs the general algorithm."""
    return canonical_nquads(to_quads(document))
