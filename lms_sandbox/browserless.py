"""Drive a launch over real HTTP the way a browser does, without a browser.

`follow_launch` GETs a start URL and then keeps submitting auto-submitted HTML forms
(login initiation -> sandbox auth -> id_token POST to the tool), following redirects,
until a page without one: the tool's answer.
"""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import requests

MAX_HOPS = 12


def _autosubmit_form(response: requests.Response):
    ctype = response.headers.get("Content-Type", "")
    if "html" not in ctype or not response.content:
        return None
    try:
        doc = lxml.html.fromstring(response.content)
    except (lxml.etree.ParserError, ValueError):
        return None
    forms = doc.forms
    if not forms:
        return None
    for form in forms:
        if form.get("data-autosubmit") is not None or "autosubmit" in (form.get("class") or ""):
            return form
    # Tools and LMSes mark auto-submission differently: a script or onload calling submit().
    scripts = " ".join(s.text or "" for s in doc.iter("script"))
    onload = doc.find(".//body")
    onload_js = onload.get("onload", "") if onload is not None else ""
    if ".submit()" in scripts or ".submit()" in onload_js:
        return forms[0]
    return None


def form_fields(form) -> list[tuple[str, str]]:
    fields = []
    for el in form.inputs:
        name = el.get("name")
        if not name or el.get("type") in ("submit", "button", "image", "reset"):
            continue
        if el.get("type") in ("checkbox", "radio") and el.get("checked") is None:
            continue
        fields.append((name, el.value or ""))
    return fields


def follow_launch(
    session: requests.Session, url: str, *, timeout: float = 30, max_hops: int = MAX_HOPS
) -> requests.Response:
    """Follow `url` and every auto-submitted form after it; returns the final response.

    Each hop's response is kept in `response.history_forms` (list of (method, url)) so a
    test can see the path the launch took.
    """
    response = session.get(url, timeout=timeout)
    hops: list[tuple[str, str]] = [("GET", url)]
    for _ in range(max_hops):
        form = _autosubmit_form(response)
        if form is None:
            # The auto-submitted forms followed, kept on the response for the tests to read.
            response.history_forms = hops  # type: ignore[attr-defined]
            return response
        action = urljoin(response.url, form.get("action") or response.url)
        method = (form.get("method") or "get").lower()
        data = form_fields(form)
        if method == "post":
            response = session.post(action, data=data, timeout=timeout)
        else:
            response = session.get(action, params=data, timeout=timeout)
        hops.append((method.upper(), action))
    raise RuntimeError(f"launch did not settle after {max_hops} auto-submitted forms")
