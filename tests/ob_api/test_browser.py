"""The learner's part of the backpack flow in Chromium: the Connected apps page, the sign-in
window it opens, the consent page (axe: no serious violations) and Allow, which sends the
browser back to the backpack with a code the backpack exchanges."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.pages.sweep_checks import axe_serious

from .backpack import CREDENTIALS, REDIRECT, pkce_pair

pytestmark = pytest.mark.browser


def _no_serious_violations(page) -> None:
    assert axe_serious(page) == []


def test_learner_signs_in_from_the_course_and_allows_the_backpack(browser_page, site, backpack):
    page = browser_page
    launch = site["world"].launch(site["ada"])
    page.goto(f"{site['url']}/learner/connected-apps?lt={launch.token}")
    assert page.get_by_role("heading", name="Connected apps").is_visible()
    _no_serious_violations(page)
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Sign in to connect an app").click()
    window = opened.value
    window.wait_for_load_state()
    assert window.get_by_role("heading", name="Ready to connect an app").is_visible()

    verifier, challenge = pkce_pair()
    window.goto(backpack.authorize_url(scope=CREDENTIALS, state="in-chromium", challenge=challenge))
    assert window.get_by_text("You are signed in as Ada Lovelace").is_visible()
    _no_serious_violations(window)
    # The browser is sent to the backpack's redirect URI (a host that does not exist: the
    # request is what counts, not its answer). Seen as the request itself, not by routing it:
    # Chromium's headless build does not hand a redirect's target to Playwright's routes.
    with window.expect_request(lambda request: request.url.startswith(REDIRECT)) as sent:
        window.get_by_role("button", name="Allow").click()
    assert sent.value.is_navigation_request() and sent.value.frame == window.main_frame
    arrived = [sent.value.url]

    query = parse_qs(urlsplit(arrived[0]).query)
    assert query["state"] == ["in-chromium"]
    token = backpack.exchange(query["code"][0], verifier)
    assert token.status_code == 200, token.text
    listed = backpack.get("credentials", token.json()["access_token"])
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "2"

    page.reload()
    assert page.get_by_text("Test Backpack").is_visible()
    page.get_by_role("button", name="Disconnect").click()
    page.get_by_text("The app is disconnected").wait_for()  # is_visible() would not wait
    assert backpack.get("credentials", token.json()["access_token"]).status_code == 401
