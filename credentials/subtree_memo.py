"""The RDF quads of a JSON-LD subtree that recurs across documents, remembered (fast_canon).

Every credential of an award embeds the same achievement (its criteria, alignments, result
descriptions and the ~9 kB badge image): about three quarters of a credential's quads. The
walk of a node object is a pure function of (active context, property, the node's JSON), so
its quads are remembered under that key and replayed with fresh blank-node labels, in the
graph the node is walked into. Only nodes with their own IRI and nested nodes are remembered
(`worth_remembering`): the JSON dump that keys the memory must cost less than the walk.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .canonical_labels import Quad, Term

_REMEMBER = 64
_LOCK = threading.Lock()  # web servers canonicalize in threads


@dataclass(frozen=True)
class Subtree:
    """One walked node object: its quads as walked in the default graph by a fresh walker."""

    subject: Term
    # Quads with no blank node, in the default graph: replayed as they are.
    plain: tuple[Quad, ...]
    # Quads naming a blank node or a graph: replayed with their labels mapped to fresh ones.
    labelled: tuple[Quad, ...]
    labels: tuple[str, ...]  # the walker's blank-node labels, in order
    dropped: tuple[str, ...]  # keys no context defines (reported as the walk reports them)


_SUBTREES: OrderedDict[tuple[int, str | None, str], Subtree] = OrderedDict()


def worth_remembering(element: dict[str, Any]) -> bool:
    """A node with an IRI of its own and nested node objects (an achievement, an issuer with
    an image), not a leaf: for a leaf the key's JSON dump costs about what the walk does."""
    node_id = element.get("id")
    if not isinstance(node_id, str) or node_id.startswith("_:"):
        return False
    for value in element.values():
        if isinstance(value, dict):
            return True
        if isinstance(value, list) and any(isinstance(item, dict) for item in value):
            return True
    return False


def key(ctx_id: int, prop: str | None, element: dict[str, Any]) -> tuple[int, str | None, str]:
    """The memory's key; raises TypeError/ValueError for what is not plain JSON.

    Every character of the JSON is in it (1, 1.0 and true differ); key order is not, as
    the walker sorts keys. The context's id is stable: walked contexts are kept alive.
    """
    text = json.dumps(element, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return (ctx_id, prop, text)


def recall(memo_key: tuple[int, str | None, str]) -> Subtree | None:
    with _LOCK:
        return _SUBTREES.get(memo_key)


def remember(
    memo_key: tuple[int, str | None, str],
    subject: Term,
    quads: set[Quad],
    dropped: list[str],
) -> Subtree:
    plain: list[Quad] = []
    labelled: list[Quad] = []
    labels: dict[str, None] = {}
    if subject[0] == "B":
        labels[subject[1]] = None
    for quad in quads:
        s, _p, o, g = quad
        if s[0] == "B" or o[0] == "B" or g is not None:
            labelled.append(quad)
            for term in (s, o, g):
                if term is not None and term[0] == "B":
                    labels[term[1]] = None
        else:
            plain.append(quad)
    subtree = Subtree(subject, tuple(plain), tuple(labelled), tuple(labels), tuple(dropped))
    with _LOCK:
        _SUBTREES[memo_key] = subtree
        _SUBTREES.move_to_end(memo_key)
        while len(_SUBTREES) > _REMEMBER:
            _SUBTREES.popitem(last=False)
    return subtree
