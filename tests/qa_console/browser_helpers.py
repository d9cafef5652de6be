"""Helpers of the QA console's browser tests: a signed-in QA user, the width checks."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from rubrics.models import QA_GROUP, QAScope

NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
PASSWORD = "pw-Strong-123"


def qa_user(platform, username: str = "qa-reviewer", **names: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **names)
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=platform)
    return user


def sign_in(page, live_server, user: User, next_path: str = "/qa/") -> None:
    page.goto(f"{live_server.url}{next_path}")
    # By field id, not label: the page may be in the browser's language.
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(PASSWORD)
    # Wait for the answer to the sign-in itself: the login page has a `main h1` too, so
    # waiting for one returned before the sign-in had finished.
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    page.locator("main h1").wait_for()
    assert page.locator("#id_password").count() == 0, "the QA sign-in was refused"
