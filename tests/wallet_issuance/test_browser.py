"""The "Add to wallet" button and the offer page in Chromium, on a phone and a desktop."""

import pytest

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 1280])
def test_add_to_wallet_shows_a_qr_code_and_link_that_fit(browser_page, site, width, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    world = site["world"]
    page.goto(f"{site['url']}/learner/?lt={world.launch(site['ada']).token}")
    button = page.get_by_role("button", name="Add to wallet")
    assert button.is_visible()
    # The button itself fits (the progress table above it is wider than a phone: not ours).
    button_box = button.bounding_box()
    assert button_box["x"] >= 0 and button_box["x"] + button_box["width"] <= width
    button.click()
    qr = page.get_by_role("img", name="QR code of the credential offer for your wallet")
    qr.wait_for()
    box = qr.bounding_box()
    assert box["width"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= width
    link = page.get_by_role("link", name="Open in a wallet on this device")
    assert link.get_attribute("href").startswith("openid-credential-offer://?credential_offer=")
    link_box = link.bounding_box()
    assert link_box["x"] + link_box["width"] <= width
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(tmp_path / f"offer-{width}.png"), full_page=True)
