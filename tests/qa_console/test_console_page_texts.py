"""What each QA console page says, with a world of long names, flagged and revoked awards.
Their fit at 390 px and 1280 px, axe-core and the keyboard walk are the every-page sweep's
(tests/pages/test_every_page.py), whose world holds the same states (ADR 0082)."""

from __future__ import annotations

import re

import pytest

from .browser_helpers import qa_user
from .console_world import console_pages, console_world

pytestmark = pytest.mark.django_db


def test_every_console_page_has_its_heading_and_names_people_and_events(client):
    w, issued = console_world()
    client.force_login(qa_user(w.platform))  # axes: login() needs a request
    for path, heading in console_pages(w, issued).items():
        answer = client.get(path, follow=True)
        assert answer.status_code == 200, path
        h1 = re.search(r"<main[^>]*>.*?<h1[^>]*>(.*?)</h1>", answer.text, re.S)
        assert h1 and heading in re.sub(r"<[^>]+>|\s+", " ", h1.group(1)), (path, h1)
    # People by name, role and platform; events as sentences (not user:1 / award.issued).
    table = _text(client.get("/qa/audit/").text, "audit-table")
    assert "Hedda Head (instructor, Moodle at " in table and "revoked a credential" in table
    assert "Automatic awarding" in table and "award.issued" not in table
    revoked_by = _text(client.get("/qa/awards/revocations").text, "revoked-by")
    assert "Hedda Head (instructor" in revoked_by


def _text(html: str, test_id: str) -> str:
    """The text a reader sees inside the first element with this data-testid (up to its
    table's end): a closed <details> shows only its summary, as in a browser."""
    start = html.index(f'data-testid="{test_id}"')
    end = html.find("</table>", start)
    inner = html[html.index(">", start) + 1 : end if end > 0 else len(html)]
    inner = CLOSED_DETAILS.sub(r"\1", inner)
    return " ".join(re.sub(r"<[^>]+>", " ", inner).split())


CLOSED_DETAILS = re.compile(
    r"<details(?![^>]*\bopen)[^>]*>\s*<summary[^>]*>(.*?)</summary>.*?</details>", re.S
)
