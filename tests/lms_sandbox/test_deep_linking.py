"""Deep Linking: the request's settings and the return endpoint's checks, both flavours."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from lms_sandbox.browserless import follow_launch
from lms_sandbox.flavours import get_flavour
from lms_sandbox.flavours.base import MT_SCORE
from lms_sandbox.models import DeepLinkPlacement, SandboxLineItem
from lms_sandbox.seed import course_users, launch_url

from .test_ags import Svc, score
from .tool_double import OTHER_KEY, TOOL_KEY, TOOL_KID

pytestmark = pytest.mark.django_db(transaction=True)
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


@pytest.fixture(params=["moodle", "canvas"])
def course(request, moodle_course, canvas_course):
    return moodle_course if request.param == "moodle" else canvas_course


def _dl_launch(http, course):
    teacher = course_users(course, "instructor")[0]
    r = follow_launch(
        http, launch_url(course=course, user=teacher, role="instructor", deep_link=True)
    )
    assert r.status_code == 200, r.text
    return r.json()["claims"]


def _response_jwt(sp, *, key=TOOL_KEY, items=None, **over):
    now = int(time.time())
    payload = {
        "iss": sp.client_id,
        "aud": sp.issuer,
        "iat": now,
        "exp": now + 300,
        "nonce": uuid.uuid4().hex,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": sp.deployment_id,
        DL + "content_items": items
        if items is not None
        else [
            {
                "type": "ltiResourceLink",
                "title": "Credential <b>A</b>",
                "url": "https://tool.example/launch?a=1",
                "custom": {"achievement": "a1"},
                "lineItem": {
                    "scoreMaximum": 100,
                    "label": "Credential A",
                    "tag": "credbridge:credential",
                    "resourceId": "a1",
                },
            },
            {"type": "ltiResourceLink", "title": "Progress"},
            {"type": "html", "html": "<p>ignored</p>"},
        ],
        DL + "msg": "2 items",
    }
    payload.update(over)
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": TOOL_KID})


def test_deep_linking_request_claims(course, http):
    claims = _dl_launch(http, course)
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    settings = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    assert "ltiResourceLink" in settings["accept_types"]
    assert LTI + "resource_link" not in claims
    if course.platform.flavour == "canvas":
        assert "/deep_linking_response?data=" in settings["deep_link_return_url"]
        assert "data" not in settings  # Canvas does not send deep_linking_settings.data
    else:
        assert "/mod/lti/contentitem_return.php?" in settings["deep_link_return_url"]


def test_return_places_links_and_line_items(course, http):
    sp = course.platform
    url = _dl_launch(http, course)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    r = http.post(url, data={"JWT": _response_jwt(sp)})
    assert r.status_code == 200, r.text
    assert "Credential &lt;b&gt;A&lt;/b&gt;" in r.text  # escaped
    placements = DeepLinkPlacement.objects.filter(course=course).order_by("pk")
    assert [p.resource_link.title for p in placements] == ["Credential <b>A</b>", "Progress"]
    li = placements[0].line_item
    assert li.score_maximum == 100 and li.tag == "credbridge:credential"
    assert li.resource_link.custom == {"achievement": "a1"}
    # Canvas: line items from deep linking are unpublished assignments; scores get 422
    assert li.published is (sp.flavour == "moodle")
    if sp.flavour == "canvas":
        fl, svc = get_flavour(sp), Svc(http, sp)
        learner = course_users(course, "learner")[0]
        r = svc.send("POST", fl.lineitem_url(li, "/scores"), score(learner, 1), MT_SCORE)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "grade"
    # the placed link launches with its custom parameters and its line item
    learner = course_users(course, "learner")[0]
    claims = follow_launch(
        http, launch_url(course=course, user=learner, resource_link=li.resource_link)
    ).json()["claims"]
    assert claims[LTI + "custom"]["achievement"] == "a1"
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitem"] == get_flavour(sp).lineitem_url(li)


def test_replayed_response_is_refused(course, http):
    sp = course.platform
    url = _dl_launch(http, course)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    token = _response_jwt(sp)
    assert http.post(url, data={"JWT": token}).status_code == 200
    assert http.post(url, data={"JWT": token}).status_code == 400


@pytest.mark.parametrize(
    "over",
    [
        {"key": OTHER_KEY},
        {"iss": "other"},
        {"aud": "https://elsewhere"},
        {"iat": int(time.time()) - 3600, "exp": int(time.time()) + 60},
        {"nonce": None},
    ],
    ids=["signature", "iss", "aud", "old", "no-nonce"],
)
def test_bad_responses_are_refused(course, http, over):
    sp = course.platform
    url = _dl_launch(http, course)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    r = http.post(url, data={"JWT": _response_jwt(sp, **over)})
    assert r.status_code == 400
    assert not DeepLinkPlacement.objects.exists()


def test_moodle_checks_deployment_canvas_does_not(moodle_course, canvas_course, http):
    for course, expected in ((moodle_course, 400), (canvas_course, 200)):
        url = _dl_launch(http, course)[
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
        ]["deep_link_return_url"]
        token = _response_jwt(course.platform, **{LTI + "deployment_id": "nope"})
        assert http.post(url, data={"JWT": token}).status_code == expected


def test_line_item_without_score_maximum_is_skipped(canvas_course, http):
    url = _dl_launch(http, canvas_course)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    items = [{"type": "ltiResourceLink", "title": "X", "lineItem": {"label": "no max"}}]
    r = http.post(url, data={"JWT": _response_jwt(canvas_course.platform, items=items)})
    assert r.status_code == 200 and "scoreMaximum is a required field" in r.text
    assert not SandboxLineItem.objects.filter(label="no max").exists()


def test_return_without_a_deep_linking_launch_is_refused(moodle_course, http):
    sp = moodle_course.platform
    url = get_flavour(sp).deep_link_return_url(moodle_course, str(uuid.uuid4()))
    assert http.post(url, data={"JWT": _response_jwt(sp)}).status_code == 400


def test_moodle_places_nothing_when_its_return_page_opens_top_level(moodle_course, http):
    """contentitem_return.js hands the content to `parent` (the activity form's dialog): a
    response posted in a window of its own is accepted (200) and lost."""
    url = _dl_launch(http, moodle_course)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    before = moodle_course.resource_links.count()
    r = http.post(
        url,
        data={"JWT": _response_jwt(moodle_course.platform)},
        headers={"Sec-Fetch-Dest": "document"},
    )
    assert r.status_code == 200 and 'id="deep-link-lost"' in r.text
    assert moodle_course.resource_links.count() == before
    assert not DeepLinkPlacement.objects.filter(course=moodle_course).exists()
    # In the dialog (a frame) the same kind of response is placed.
    url = _dl_launch(http, moodle_course)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    ]["deep_link_return_url"]
    r = http.post(
        url,
        data={"JWT": _response_jwt(moodle_course.platform)},
        headers={"Sec-Fetch-Dest": "iframe"},
    )
    assert r.status_code == 200 and moodle_course.resource_links.count() == before + 2
