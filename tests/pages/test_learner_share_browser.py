"""The learner's credential, as the learner and the people they share it with see it, in
Debian's Chromium: one badge image everywhere (pixel-equal), readable at 390 px (the sweep,
test_every_page.py, checks these pages at 1280 px too, with axe-core), and shareable
(LinkedIn, e-mail, a copyable link, downloads)."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image, ImageChops

from credentials.badge_source import image_reference
from credentials.baking import data_uri_image, png_credential, svg_credential
from credentials.jose_forms import stored_ob_jwt
from credentials.models import Credential

from .world import issue, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pixels(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def _assert_same_pixels(what: str, got: Image.Image, want: Image.Image) -> None:
    assert got.size == want.size, (what, got.size, want.size)
    box = ImageChops.difference(got, want).getbbox()
    assert box is None, f"{what}: pixels differ within {box}"


def _as_shown(page, locator) -> Image.Image:
    """The pixels on screen where the page shows the image (Chromium draws an image snapped
    to whole pixels, at its natural size here, so nothing is resampled)."""
    box = locator.bounding_box()
    clip = {"x": round(box["x"]), "y": round(box["y"])}
    clip.update(width=round(box["width"]), height=round(box["height"]))
    return _pixels(page.screenshot(clip=clip))


def _svg_as_shown(page, svg: bytes) -> Image.Image:
    """The SVG as Chromium draws it, at its own size, on a blank page."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    page.set_content(f"<body style='margin:0'><img id='b' src='{uri}'></body>")
    page.wait_for_function("document.getElementById('b').complete")
    return _as_shown(page, page.locator("#b"))


def _no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("document.documentElement.clientWidth")
    # What spills over (scroll boxes excepted), to say where in the page it is.
    spilling = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .filter(e => getComputedStyle(e).overflowX == 'visible')
        .map(e => e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 40))"""
    )
    assert width <= viewport, f"{page.url}: {width} px wide in {viewport} px: {spilling[-3:]}"


def test_the_badge_is_the_same_pixels_on_every_page_and_in_every_download(
    browser_page, live_server
):
    w = make_world()
    ada = w.learners[0]
    award = issue(w, ada)
    credential = Credential.objects.get(pk=award.uuid)
    kind, data = data_uri_image(image_reference(credential.data))
    assert kind == "image/png"
    want = _pixels(data)  # the credential's own achievement.image
    token = w.launch(ada).token
    client = Client()

    # The learner's page inside the LMS, and the public page: the image as shown, large.
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.goto(f"{live_server.url}/learner/?lt={token}")
    badge = browser_page.locator("img.badge").first
    assert badge.evaluate("img => img.getBoundingClientRect().width") >= 200
    _assert_same_pixels("learner page", _as_shown(browser_page, badge), want)
    browser_page.goto(f"{live_server.url}/credentials/{award.uuid}")
    shown = browser_page.locator("img.badge-image")
    _assert_same_pixels("public page", _as_shown(browser_page, shown), want)
    browser_page.goto(f"{live_server.url}/learner/credentials/{award.uuid}/view?lt={token}")
    _assert_same_pixels("holder page", _as_shown(browser_page, shown), want)
    browser_page.goto(f"{live_server.url}/achievements/{w.achievement.uuid}")
    achievement_badge = browser_page.locator("img.badge")
    _assert_same_pixels("achievement page", _as_shown(browser_page, achievement_badge), want)

    # The downloads, from the learner's page (the holder's copies) and the public URLs.
    browser_page.goto(f"{live_server.url}/learner/?lt={token}")
    for fmt, name in (
        ("png", "Download image with credential inside (PNG)"),
        ("svg", "Download image with credential inside (SVG)"),
    ):
        with browser_page.expect_download() as info:
            browser_page.get_by_role("link", name=name).click()
        with open(info.value.path(), "rb") as fh:
            downloaded = fh.read()
        public = client.get(f"/credentials/{award.uuid}.{fmt}").content
        assert public == downloaded
        if fmt == "png":
            assert json.loads(png_credential(downloaded)) == credential.data
            _assert_same_pixels("PNG download", _pixels(downloaded), want)
        else:
            assert json.loads(svg_credential(downloaded)) == credential.data
            _assert_same_pixels("SVG download", _svg_as_shown(browser_page, downloaded), want)


def test_learner_and_public_pages_fit_a_phone_with_the_badge_large(browser_page, live_server):
    """At 390 px, with a second learner on the way (the progress table). (These pages at
    1280 px, and axe-core and the keyboard walk at both widths: the every-page sweep,
    test_every_page.py; ADR 0082.)"""
    w = make_world()
    w.achievement.validity_days = 365
    w.achievement.save()
    ada, grace, _ = w.learners
    award = issue(w, ada)
    w.decide(grace, {"search": 3})  # a second learner still on the way: the progress table
    browser_page.set_viewport_size({"width": 390, "height": 900})
    for url in (
        f"/learner/?lt={w.launch(ada).token}",
        f"/learner/?lt={w.launch(grace).token}",
        f"/credentials/{award.uuid}",
        f"/learner/credentials/{award.uuid}/view?lt={w.launch(ada).token}",
        f"/evidence/{award.uuid}",
        f"/achievements/{w.achievement.uuid}",
    ):
        browser_page.goto(f"{live_server.url}{url}")
        browser_page.locator("main").wait_for()
        _no_horizontal_overflow(browser_page)
        badge = browser_page.locator("img.badge, img.badge-image")
        if not url.startswith("/evidence/"):
            assert badge.first.evaluate("img => img.getBoundingClientRect().width") >= 200, url


def test_sharing_from_the_learner_page(browser_page, live_server):
    w = make_world()
    w.achievement.validity_days = 365
    w.achievement.save()
    ada = w.learners[0]
    award = issue(w, ada)
    credential = Credential.objects.get(pk=award.uuid)
    public_url = f"{settings.PUBLIC_BASE_URL}/credentials/{award.uuid}"
    browser_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    browser_page.goto(f"{live_server.url}/learner/?lt={w.launch(ada).token}")
    main = browser_page.locator("main")
    text = main.inner_text()
    valid_until = credential.valid_until
    assert "Expires" in text and str(valid_until.year) in text and "Does not expire" not in text
    issuer = browser_page.get_by_role("link", name=credential.issuer.name)
    assert issuer.get_attribute("href") == credential.data["issuer"]["url"]
    signed_evidence = credential.data["evidence"][0]
    evidence = browser_page.get_by_role("link", name=signed_evidence["name"])
    assert evidence.get_attribute("href") == signed_evidence["id"]

    linkedin = browser_page.get_by_role("link", name="Add to LinkedIn profile (new window)")
    url = urlsplit(linkedin.get_attribute("href"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.linkedin.com/profile/add"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Data Literacy Badge",
        "organizationName": credential.issuer.name,
        "issueYear": str(credential.valid_from.year),
        "issueMonth": str(credential.valid_from.month),
        "expirationYear": str(valid_until.year),
        "expirationMonth": str(valid_until.month),
        "certUrl": public_url,
        "certId": str(award.uuid),
    }

    mail = urlsplit(browser_page.get_by_role("link", name="Send by e-mail").get_attribute("href"))
    assert mail.scheme == "mailto"
    fields = {k: unquote(v) for k, _, v in (p.partition("=") for p in mail.query.split("&"))}
    assert "Data Literacy Badge" in fields["subject"]
    assert public_url in fields["body"] and credential.issuer.name in fields["body"]

    field = browser_page.get_by_label("Link to your credential")
    assert field.input_value() == public_url
    browser_page.get_by_role("button", name="Copy link").click()
    browser_page.get_by_text("Copied.").wait_for()
    assert browser_page.evaluate("navigator.clipboard.readText()") == public_url

    for name in (
        "Download credential file (JSON)",
        "Download credential as signed text (JWT)",
    ):
        with browser_page.expect_download() as info:
            browser_page.get_by_role("link", name=name).click()
        with open(info.value.path(), "rb") as fh:
            body = fh.read().decode()
        assert body in (credential.document, stored_ob_jwt(credential))
    assert browser_page.get_by_role("button", name="Add to wallet").is_visible()


def test_the_link_is_copyable_without_javascript(browser_page, live_server):
    w = make_world()
    ada = w.learners[0]
    award = issue(w, ada)
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/learner/?lt={w.launch(ada).token}")
        field = page.get_by_label("Link to your credential")
        assert field.input_value().endswith(f"/credentials/{award.uuid}")
        assert field.get_attribute("readonly") is not None
        field.select_text()  # selectable, to copy by hand
        assert page.get_by_role("button", name="Copy link").count() == 0  # no dead button
    finally:
        context.close()
