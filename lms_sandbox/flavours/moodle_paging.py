"""Moodle 4.5's paging of its service collections: when it pages (only with `limit`), which
window it returns and the `Link` header it writes (curly quotes, `&amp;`; NRPS: `next` only).
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..models import SandboxPlatform
from ..pagination import Window, positive_int

# Moodle's gradebook services answer a curly-quoted rel and an HTML-escaped URL; the bytes
# are UTF-8, which a client decoding headers as latin-1 (HTTP's default) sees as mojibake.
_LQ = "\u201c".encode().decode("latin-1")
_RQ = "\u201d".encode().decode("latin-1")


def page_window(request, *, kind: str, platform: SandboxPlatform) -> Window:
    """The window a request asks for (kind: lineitems, results, nrps)."""
    if kind == "results":
        # results.php pages only when asked (`limit` > 0), whatever the platform's
        # page_size; without `limit`, `from` is ignored and every result is sent.
        limit = positive_int(request.GET.get("limit"), name="limit", default=0) or None
        if limit is None:
            return Window(offset=0, limit=None)
        offset = positive_int(request.GET.get("from"), name="from", default=0) or 0
        return Window(offset=offset, limit=limit)
    default = platform.page_size or None
    limit = positive_int(request.GET.get("limit"), name="limit", default=default, minimum=1)
    if limit is None:
        # Without `limit`, `from` is ignored too: gradebookservices.php get_lineitems
        # slices only when limit > 0; contextmemberships.php sets from to 0.
        return Window(offset=0, limit=None)
    offset = positive_int(request.GET.get("from"), name="from", default=0) or 0
    return Window(offset=offset, limit=limit)


def collection_links(
    request, *, kind: str, base: str, window: Window, total: int, loop: bool = False
) -> str:
    """The Link header of one page ('' for none). `loop`: next points at this page."""
    if window.limit is None or (kind == "results" and not total):
        # results.php: no grade, no paging block, no Link (with a grade: results_refusal).
        return ""
    limit, offset = window.limit, window.offset
    next_from = offset if loop else offset + limit
    has_next = loop or offset + limit < total
    if kind == "nrps":
        # Only rel="next", and it drops the role (and rlid) filter: observed in Moodle 4.5.
        if not has_next:
            return ""
        return f'<{base}?{urlencode({"limit": limit, "from": next_from})}>; rel="next"'
    params = [(k, v) for k, v in request.GET.items() if k not in ("type_id", "limit", "from")]
    params.append(("type_id", request.GET.get("type_id", "")))

    def link(frm: int, rel: str) -> str:
        # HTML-escaped `&` and curly quotes, as Moodle's gradebook services send them.
        q = urlencode([*params, ("limit", limit), ("from", frm)]).replace("&", "&amp;")
        return f"<{base}?{q}>; rel={_LQ}{rel}{_RQ}"

    last = (total - 1) // limit * limit if total else 0
    parts = [link(0, "first"), link(offset, "canonical")]
    if offset > 0:
        parts.append(link(max(0, offset - limit), "prev"))
    if has_next:
        parts.append(link(next_from, "next"))
    parts.append(link(last, "last"))
    return ", ".join(parts)
