"""Inside the LMS iframe there may be no cookie: every link and form of the tool's own pages
must carry the launch token (`?lt=` in the URL or an `lt` field in the form)."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from .world import issue

pytestmark = pytest.mark.django_db


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": set()})
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"].add(attrs.get("name"))


def _tool_url(url: str) -> bool:
    parts = urlsplit(url)
    # Links that leave the LMS on purpose: LinkedIn, the public pages (new window), e-mail.
    return not parts.netloc and not parts.scheme and not url.startswith("#")


def _assert_carries_token(html: str, token: str) -> int:
    page = _Collector()
    page.feed(html)
    for href in filter(_tool_url, page.links):
        assert parse_qs(urlsplit(href).query).get("lt") == [token], href
    for form in page.forms:
        in_url = parse_qs(urlsplit(form["action"]).query).get("lt") == [token]
        assert in_url or "lt" in form["fields"], form
    return len(page.forms) + len(list(filter(_tool_url, page.links)))


def test_every_lms_page_carries_the_token(client, world):
    ada = world.learners[0]
    award = issue(world, ada)
    world.decide(world.learners[1], {"search": 9, "evaluate": 9})
    world.award(world.learners[1], state="held")
    teacher = world.launch(world.instructor, "instructor").token
    learner = world.launch(ada).token
    checked = 0
    for url, token in (
        ("/course/", teacher),
        ("/course/setup/", teacher),
        ("/course/setup/achievement", teacher),
        (f"/course/awards/{award.uuid}/revoke", teacher),
        ("/learner/", learner),
    ):
        response = client.get(url, {"lt": token})
        assert response.status_code == 200, url
        checked += _assert_carries_token(response.content.decode(), token)
    assert checked > 20  # links and forms of five pages were looked at
