"""Signed launches whose claims carry NUL characters or the wrong JSON types (issue 12): a
clear 400 `bad_claim` refusal, or text stored without the NUL — never a 500.

Over real HTTP against the live server (the platform's JWKS too), on the configured database:
PostgreSQL refuses NUL in text and jsonb and enforces column lengths, SQLite does neither, so
run this file with DATABASE_URL set as well as without.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from assessments.models import Course, Learner

from .platform import LEARNER, LTI

pytestmark = pytest.mark.django_db(transaction=True)

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CONTEXT = LTI + "context"
NUL = "\x00"


@pytest.fixture
def launch(live_server, fake_platform, settings):
    """POST a signed launch with `overrides` merged into the claims; returns the response."""
    settings.PUBLIC_BASE_URL = live_server.url

    def run(**overrides) -> requests.Response:
        session = requests.Session()
        login = session.post(
            f"{live_server.url}/lti/login/",
            data={
                "iss": fake_platform.issuer,
                "login_hint": "user-7",
                "target_link_uri": live_server.url + "/lti/launch/",
                "client_id": fake_platform.client_id,
                "lti_message_hint": "hint",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code == 302, login.text[:300]
        query = parse_qs(urlsplit(login.headers["Location"]).query)
        claims = fake_platform.claims(
            nonce=query["nonce"][0], tool=live_server.url, roles=(LEARNER,)
        )
        claims.update(overrides)
        return session.post(
            f"{live_server.url}/lti/launch/",
            data={"id_token": fake_platform.sign(claims), "state": query["state"][0]},
            allow_redirects=False,
            timeout=10,
        )

    return run


def refused(response: requests.Response) -> str:
    assert response.status_code == 400, (response.status_code, response.text[:500])
    assert response.headers["X-LTI-Refusal"] == "bad_claim"
    assert "Traceback" not in response.text and 'class="refusal"' in response.text
    return response.text


def test_nul_in_display_text_is_removed_and_the_launch_goes_on(launch):
    response = launch(
        name=f"Ada{NUL} Lovelace",
        given_name=f"A{NUL}da",
        email=f"ada@example.test{NUL}",
        **{
            CONTEXT: {"id": "course-nul", "title": f"Digital{NUL} Skills", "label": f"D{NUL}S"},
            LTI + "lis": {"person_sourcedid": "x" * 300},
        },
    )
    assert response.status_code == 302, response.text[:500]
    learner = Learner.objects.get(sub="user-7")
    assert (learner.name, learner.given_name) == ("Ada Lovelace", "Ada")
    assert learner.email == "ada@example.test"
    assert learner.lis_person_sourcedid == "x" * 255
    course = Course.objects.get(context_id="course-nul")
    assert (course.title, course.label) == ("Digital Skills", "DS")


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({CONTEXT: {"id": "c-1", "title": {"en": "Course"}}}, "context title"),
        ({CONTEXT: {"id": "c-1", "label": ["L1"]}}, "context label"),
        ({CONTEXT: {"id": "c-1", "title": True}}, "context title"),
        ({LTI + "lis": {"person_sourcedid": {"id": 1}}}, "person_sourcedid"),
        ({LTI + "resource_link": {"id": {"x": 1}}}, "resource link id"),
        ({CONTEXT: {"id": f"course{NUL}2"}}, "context id"),
        ({CONTEXT: {"id": "c" * 256}}, "context id"),
        ({"sub": f"user{NUL}7"}, "subject"),
        ({LTI + "deployment_id": f"dep{NUL}1"}, "deployment id"),
        ({AGS: {"lineitems": "https://lms.example.test/li", "scope": [f"x{NUL}"]}}, "AGS scope"),
        ({AGS: {"lineitems": "https://lms.example.test/li", "scope": "all"}}, "AGS scope"),
        ({AGS: {"lineitems": {"url": "https://lms.example.test/li"}}}, "AGS line items URL"),
        ({AGS: {"lineitems": "https://lms.example.test/" + "l" * 1000}}, "AGS line items URL"),
        ({LTI + "custom": {"note": f"a{NUL}b"}}, "custom"),
        ({LTI + "launch_presentation": {"return_url": {"u": 1}}}, "return URL"),
    ],
)
def test_a_claim_of_the_wrong_type_or_with_a_nul_is_refused_clearly(launch, overrides, names):
    html = refused(launch(**overrides))
    assert names in html
    assert not Course.objects.filter(context_id="c-1").exists()


def test_numbers_where_text_is_expected_are_kept_as_text(launch):
    response = launch(**{CONTEXT: {"id": 4711, "title": 2026, "label": "L"}})
    assert response.status_code == 302, response.text[:500]
    course = Course.objects.get(context_id="4711")
    assert course.title == "2026"
