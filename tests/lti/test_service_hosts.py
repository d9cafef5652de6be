"""Service hosts learnt from verified launches (Canvas: each school's own host)."""

import pytest

from lti_tool.service_hosts import MAX_HOSTS, learn_service_hosts

from .conftest import TOOL

pytestmark = pytest.mark.django_db
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def test_a_verified_launch_teaches_the_school_host(client, fake_platform, login):
    from assessments.models import Course

    Course.objects.create(platform=fake_platform.row, context_id="course-2", sync_enabled=False)
    school = "https://school.example.edu/api/lti/courses/7/line_items"
    assert not fake_platform.row.service_url_allowed(school)
    state, nonce = login()
    claims = fake_platform.claims(
        nonce=nonce,
        tool=TOOL,
        **{
            AGS: {"lineitems": school, "scope": []},
            NRPS: {"context_memberships_url": "https://school.example.edu/api/lti/nrps"},
        },
    )
    response = client.post("/lti/launch/", {"id_token": fake_platform.sign(claims), "state": state})
    assert response.status_code == 302
    fake_platform.row.refresh_from_db()
    assert fake_platform.row.service_url_allowed(school)
    assert fake_platform.row.service_hosts.split() == ["school.example.edu"]


def test_only_valid_hosts_and_a_bounded_number(fake_platform):
    platform = fake_platform.row
    bad = {AGS: {"lineitems": "javascript:alert(1)"}, NRPS: {"context_memberships_url": "x"}}
    assert not learn_service_hosts(platform=platform, claims=bad)
    for i in range(MAX_HOSTS + 5):
        learn_service_hosts(platform=platform, claims={AGS: {"lineitems": f"https://h{i}.edu/l"}})
    platform.refresh_from_db()
    assert len(platform.service_hosts.split()) == MAX_HOSTS
    # An issuer-host URL adds nothing: it is allowed already.
    assert not learn_service_hosts(
        platform=platform, claims={AGS: {"lineitems": platform.issuer + "/x"}}
    )
