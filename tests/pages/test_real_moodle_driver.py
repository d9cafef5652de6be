"""The real-Moodle story's driver (docs/real-moodle/) types into the tool's pages as a person
does. It runs only beside a real Moodle, so nothing else notices when a page changes under
it: twice it typed into a field that had become hidden (the criterion's key) or gone (the
revocation's reason), and the story stopped there. These tests render the pages it fills and
check that what it types into is there for a person to type into."""

from __future__ import annotations

import importlib
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rubrics.models import RubricVersion

from .world import issue

pytestmark = pytest.mark.django_db

DRIVER = Path(__file__).resolve().parents[2] / "docs" / "real-moodle"


@pytest.fixture(scope="module")
def steps_tool():
    """The driver's module of steps inside the tool (its folder is its import path)."""
    sys.path.insert(0, str(DRIVER))
    try:
        return importlib.import_module("steps_tool")
    finally:
        sys.path.remove(str(DRIVER))


class _Fields(HTMLParser):
    """Every form control with its tag and attributes; a submit button's text."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, dict[str, str]]] = []
        self.buttons: list[str] = []
        self._button = False
        self.options: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag in ("input", "textarea", "select"):
            self.controls.append((tag, attrs))
        elif tag == "option":
            self.options.append(attrs.get("value", ""))
        elif tag == "button":
            self._button = True
            self.buttons.append("")

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = False

    def handle_data(self, data):
        if self._button:
            self.buttons[-1] += data.strip()

    def typable(self, name_suffix: str) -> list[dict[str, str]]:
        """Controls whose name ends with `name_suffix` that a person can type into."""
        return [
            attrs
            for tag, attrs in self.controls
            if attrs.get("name", "").endswith(name_suffix)
            and not (tag == "input" and attrs.get("type") == "hidden")
            and "disabled" not in attrs
        ]


def _page(client, url: str, token: str) -> _Fields:
    response = client.get(url, {"lt": token})
    assert response.status_code == 200, url
    fields = _Fields()
    fields.feed(response.content.decode())
    return fields


def test_the_criterion_fields_the_driver_types_are_shown(client, world, steps_tool):
    teacher = world.launch(world.instructor, "instructor").token
    client.post("/rubrics/", {"lt": teacher, "title": "Real-Moodle rubric"})
    version = RubricVersion.objects.latest("pk")
    page = _page(client, f"/rubrics/versions/{version.pk}/", teacher)
    for name in steps_tool.CRITERION:
        # The driver fills `[name$='-<name>']` inside the first criterion's card.
        assert page.typable(f"criteria-0-{name}"), f"criteria-0-{name} is not a field to type in"


def test_the_revocation_request_the_driver_fills_is_there(client, world, steps_tool):
    award = issue(world, world.learners[0])
    teacher = world.launch(world.instructor, "instructor").token
    page = _page(client, f"/course/awards/{award.uuid}/revoke", teacher)
    reason, _ = steps_tool.REVOKE_REASON
    assert any(attrs.get("name") == reason for tag, attrs in page.controls if tag == "textarea"), (
        reason
    )
    category, choice = steps_tool.REVOKE_CATEGORY
    assert any(attrs.get("name") == category for tag, attrs in page.controls if tag == "select"), (
        category
    )
    assert choice in page.options
    assert steps_tool.REVOKE_BUTTON in page.buttons
