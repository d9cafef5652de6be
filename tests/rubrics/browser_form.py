"""What a browser submits for a page's form (test helper): every named control's value as
rendered, checkboxes only when ticked, a select's selected (else first) option."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self, form_testid: str) -> None:
        super().__init__()
        self.testid = form_testid
        self.inside = False
        self.depth_template = 0
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._multiple = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.depth_template += 1
        if self.depth_template:
            return  # a <template>'s controls are not submitted
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on") or "on"))
            elif kind not in ("submit", "button"):
                self.values.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a and (self._multiple or not self._select_chosen):
                self.values.append((self._select, a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "template":
            self.depth_template -= 1
        elif self.depth_template:
            return
        elif tag == "select" and self._select is not None:
            # A single select sends its first option when none is selected; a multiple one
            # sends nothing.
            if not self._select_chosen and not self._multiple:
                self.values.append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


def submitted_values(html: str, form_testid: str = "editor") -> dict[str, list[str]]:
    parser = _FormValues(form_testid)
    parser.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in parser.values:
        out.setdefault(name, []).append(value)
    return out


def set_value(values: dict[str, list[str]], name: str, *value: str) -> None:
    # An unticked checkbox is absent from what a browser submits; any other control is there.
    assert name in values or name.endswith(("competences", "DELETE", "required")), name
    values[name] = list(value)
