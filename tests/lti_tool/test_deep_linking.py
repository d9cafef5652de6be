"""Deep Linking: the instructor places Credbridge (optionally with a grade column); the tool
answers with an LtiDeepLinkingResponse signed by its published key."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import jwt
import lxml.html
import pytest
from django.test import Client

from lti_tool.keys import public_jwks

from .conftest import TOOL
from .platform import LEARNER, LTI

pytestmark = pytest.mark.django_db
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def deep_link_claims(fake_platform, nonce, **extra):
    body = fake_platform.claims(nonce=nonce, tool=TOOL, **extra)
    body.pop(LTI + "resource_link")
    body[LTI + "message_type"] = "LtiDeepLinkingRequest"
    body[DL + "deep_linking_settings"] = {
        "deep_link_return_url": fake_platform.issuer + "/dl-return?data=abc&x=<y>",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": False,
        "data": "opaque-platform-data",
    }
    return body


def start(client, fake_platform, login, **extra):
    state, nonce = login()
    response = client.post(
        "/lti/launch/",
        {
            "id_token": fake_platform.sign(deep_link_claims(fake_platform, nonce, **extra)),
            "state": state,
        },
    )
    return response


def test_instructor_places_credbridge_without_a_grade_column(client, fake_platform, login):
    """A column a tool creates counts toward Moodle's course total: the placement creates
    none (not even for a form that asks, as the old picker's did) and points to the setup
    page's per-credential opt-in instead."""
    response = start(client, fake_platform, login)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/lti/deep-link/"
    lt = parse_qs(location.query)["lt"][0]
    picker = client.get(f"/lti/deep-link/?lt={lt}")
    assert picker.status_code == 200 and b"Place Credbridge" in picker.content
    page = lxml.html.fromstring(picker.content)
    assert not page.xpath('//input[@type="checkbox"]')  # nothing to tick here
    note = page.get_element_by_id("gradebook-note").text_content()
    assert "Credential column in the LMS gradebook" in note and "course total" in note

    # A fresh browser without cookies: the launch token is the only credential (and CSRF).
    browser = Client(enforce_csrf_checks=True)
    done = browser.post(
        "/lti/deep-link/",
        {"lt": lt, "title": "Credbridge", "add_line_item": "on", "score_maximum": "50"},
    )
    assert done.status_code == 200, done.content[:500]
    html = done.content.decode()
    action = unescape(re.search(r'action="([^"]+)"', html).group(1))
    assert action == fake_platform.issuer + "/dl-return?data=abc&x=<y>"
    assert "<y>" not in html  # escaped in the page
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    header = jwt.get_unverified_header(token)
    (jwk,) = [k for k in public_jwks()["keys"] if k["kid"] == header["kid"]]
    claims = jwt.decode(
        token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=fake_platform.issuer
    )
    assert claims["iss"] == fake_platform.client_id
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == fake_platform.deployment_id
    assert claims[DL + "data"] == "opaque-platform-data"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Credbridge"
    assert item["url"] == TOOL + "/lti/launch/"
    assert "lineItem" not in item
    # One response per request: the placement cannot be sent twice.
    again = browser.post("/lti/deep-link/", {"lt": lt, "title": "X"})
    assert again.status_code == 403 and again["X-LTI-Refusal"] == "deep_link_used"


def test_placement_without_line_item_and_without_platform_data(client, fake_platform, login):
    state, nonce = login()
    body = deep_link_claims(fake_platform, nonce)
    del body[DL + "deep_linking_settings"]["data"]
    response = client.post("/lti/launch/", {"id_token": fake_platform.sign(body), "state": state})
    lt = parse_qs(urlsplit(response["Location"]).query)["lt"][0]
    done = client.post("/lti/deep-link/", {"lt": lt, "title": "Badges"})
    token = re.search(r'name="JWT" value="([^"]+)"', done.content.decode()).group(1)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert DL + "data" not in claims
    assert "lineItem" not in claims[DL + "content_items"][0]


def test_learner_cannot_deep_link(client, fake_platform, login):
    response = start(client, fake_platform, login, roles=[LEARNER])
    assert response.status_code == 403 and response["X-LTI-Refusal"] == "not_instructor"


def test_picker_needs_a_deep_linking_launch(client, fake_platform, login):
    assert client.get("/lti/deep-link/").status_code == 403
    state, nonce = login()
    response = client.post(
        "/lti/launch/",
        {
            "id_token": fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL)),
            "state": state,
        },
    )
    lt = parse_qs(urlsplit(response["Location"]).query)["lt"][0]
    assert client.get(f"/lti/deep-link/?lt={lt}")["X-LTI-Refusal"] == "no_deep_link_launch"


def test_deep_linking_request_without_settings_is_malformed(client, fake_platform, login):
    state, nonce = login()
    body = deep_link_claims(fake_platform, nonce)
    del body[DL + "deep_linking_settings"]
    response = client.post("/lti/launch/", {"id_token": fake_platform.sign(body), "state": state})
    assert response.status_code == 400 and response["X-LTI-Refusal"] == "missing_claim"


def test_a_platform_refusing_line_items_gets_the_link_without_one(db):
    from lti_tool.deep_linking import Placement, build_response_jwt
    from lti_tool.launch_hooks import PlacementLineItem
    from lti_tool.models import Platform

    platform = Platform.objects.create(
        name="P",
        issuer="https://lms.example.org",
        client_id="c-1",
        auth_login_url="https://lms.example.org/auth",
        auth_token_url="https://lms.example.org/token",
        key_set_url="https://lms.example.org/jwks",
    )
    placement = Placement(
        title="Badge",
        launch_url=TOOL + "/lti/launch/",
        custom={"credbridge_placement": "k"},
        line_item=PlacementLineItem(label="Badge", score_maximum=1, tag="t", resource_id="r"),
    )
    base = {
        "deep_link_return_url": "https://lms.example.org/r",
        "accept_types": ["ltiResourceLink"],
    }
    for settings, has_line_item in (
        (base, True),
        ({**base, "accept_lineitem": True}, True),
        ({**base, "accept_lineitem": False}, False),
    ):
        token = build_response_jwt(
            platform=platform, deployment_id="d", settings=settings, placement=placement
        )
        (item,) = jwt.decode(token, options={"verify_signature": False})[DL + "content_items"]
        assert ("lineItem" in item) is has_line_item
        assert item["custom"] == {"credbridge_placement": "k"}


@pytest.mark.parametrize(
    ("custom", "expected"),
    [({"credbridge_placement": "abc"}, "abc"), ({"credbridge_placement": 7}, ""), ({}, "")],
)
def test_a_launch_carries_its_placement_key(client, fake_platform, login, custom, expected):
    from lti_tool.launch_context import load_launch

    state, nonce = login()
    body = fake_platform.claims(nonce=nonce, tool=TOOL)
    body[LTI + "custom"] = custom
    response = client.post("/lti/launch/", {"id_token": fake_platform.sign(body), "state": state})
    assert response.status_code == 302
    lt = parse_qs(urlsplit(response["Location"]).query)["lt"][0]
    assert load_launch(lt).placement == expected
