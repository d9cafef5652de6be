"""RDFC-1.0 canonical labelling and N-Quads of an RDF dataset built by `fast_canon`.

The common case (every blank node has a unique first-degree hash) is done here. Documents
that repeat identical blank-node shapes — a learner record embedding credentials of the same
learner, each with its own identity object in its own graph — need the N-degree hashing of
RDFC-1.0: that part is handed to PyLD's own URDNA2015 (given the same dataset),
which is still far cheaper than PyLD's expansion, node map and RDF conversion it skips.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.nquads import escape

XSD_STRING = jsonld.XSD_STRING

# A term is ("I", iri), ("B", label) or ("L", lexical form, datatype IRI); a quad is
# (subject, predicate IRI, object, graph name), the graph name None for the default graph.
Term = tuple[str, ...]
Quad = tuple[Term, str, Term, Term | None]
# A quad as N-Quads pieces (see canonical_nquads): text or None (blank) and blank label for
# subject, object and graph name; the predicate as " <p> ".
_Parts = tuple[str | None, str, str, str | None, str, str | None, str]


class Unsupported(Exception):
    """The document uses a JSON-LD feature outside the fast path; use PyLD instead."""


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


# The N-Quads pieces of quads without blank nodes, which recur from document to document (the
# achievement's, the issuer's): the text of IRIs and escaped literals is built once. Blank
# labels are the walker's own, so quads naming one are never looked up here. Bounded in count
# and, by leaving out long texts (a data URI badge), in memory: a few MB at most.
_PLAIN_PARTS: dict[Quad, _Parts] = {}
_REMEMBER_PLAIN = 8_192
_LONGEST_REMEMBERED = 1_000


def canonical_nquads(quads: set[Quad]) -> str:
    """RDFC-1.0 (canonical N-Quads) of `quads`.

    When every blank node has a unique first-degree hash the labels follow from the sorted
    hashes (RDFC-1.0's simple path, done here); otherwise PyLD's URDNA2015 labels them.
    """
    # Each quad as (text or None, blank label) for subject, object and graph name, with the
    # predicate as " <p> ": the N-Quads text of IRIs and literals is built once, not once per
    # use. A blank node is mentioned by a quad in any of the three positions (RDFC-1.0 4.6).
    parts: list[_Parts] = []
    mentions: dict[str, list[int]] = {}
    known = _PLAIN_PARTS
    for i, quad in enumerate(quads):
        plain = known.get(quad)
        if plain is not None:
            parts.append(plain)
            continue
        s, p, o, g = quad
        s_blank = s[1] if s[0] == "B" else ""
        o_blank = o[1] if o[0] == "B" else ""
        g_blank = g[1] if g is not None and g[0] == "B" else ""
        if g is None:
            g_str: str | None = ""
        elif g_blank:
            g_str = None
        else:
            g_str = " <" + g[1] + ">"
        quad_parts: _Parts = (
            None if s_blank else "<" + s[1] + ">",
            s_blank,
            " <" + p + "> ",
            None if o_blank else _term_str(o),
            o_blank,
            g_str,
            g_blank,
        )
        parts.append(quad_parts)
        if not (s_blank or o_blank or g_blank):
            if len(s[1]) + len(p) + len(o[1]) + len(g[1] if g else "") > _LONGEST_REMEMBERED:
                continue
            if len(known) >= _REMEMBER_PLAIN:
                known.clear()
            known[quad] = quad_parts
            continue
        for blank in {s_blank, o_blank, g_blank}:
            if blank:
                mentions.setdefault(blank, []).append(i)
    hashes: dict[str, str] = {}
    for bnode, indexes in mentions.items():
        lines = []
        for i in indexes:
            s_str, s_blank, p_str, o_str, o_blank, g_str, g_blank = parts[i]
            if s_str is None:
                s_str = "_:a" if s_blank == bnode else "_:z"
            if o_str is None:
                o_str = "_:a" if o_blank == bnode else "_:z"
            if g_str is None:
                g_str = " _:a" if g_blank == bnode else " _:z"
            lines.append(s_str + p_str + o_str + g_str + " .\n")
        lines.sort()
        hashes[hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()] = bnode
    if len(hashes) != len(mentions):
        return _general_nquads(quads)
    canonical = {bnode: f"_:c14n{i}" for i, (_, bnode) in enumerate(sorted(hashes.items()))}
    out = []
    for s_str, s_blank, p_str, o_str, o_blank, g_str, g_blank in parts:
        out.append(
            (s_str if s_str is not None else canonical[s_blank])
            + p_str
            + (o_str if o_str is not None else canonical[o_blank])
            + (g_str if g_str is not None else " " + canonical[g_blank])
            + " .\n"
        )
    out.sort()
    return "".join(out)


def _pyld_term(term: Term) -> dict[str, str]:
    if term[0] == "I":
        return {"type": "IRI", "value": term[1]}
    if term[0] == "B":
        return {"type": "blank node", "value": term[1]}
    return {"type": "literal", "value": term[1], "datatype": term[2]}


def _general_nquads(quads: set[Quad]) -> str:
    # PyLD's own dataset structure (as its to_rdf builds it), so no N-Quads text round trip:
    # its parser refuses some characters its serializer leaves unescaped. Any blank node
    # labels will do as input: these are the walker's own, one per node.
    dataset: dict[str, list[dict[str, Any]]] = {}
    for s, p, o, g in quads:
        dataset.setdefault("@default" if g is None else g[1], []).append(
            {
                "subject": _pyld_term(s),
                "predicate": {"type": "IRI", "value": p},
                "object": _pyld_term(o),
            }
        )
    canonical: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
    return canonical
