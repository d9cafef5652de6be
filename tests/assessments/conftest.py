import pytest
from django.test import override_settings

from assessments.models import Course
from tests.lti_tool.services.conftest import FAST_RETRIES, make_lms_and_platform


@pytest.fixture(autouse=True)
def _fast_retries():
    with override_settings(**FAST_RETRIES):
        yield


def make_course(lms, platform, **extra) -> Course:
    return Course.objects.create(
        platform=platform,
        context_id="ctx-1",
        title="Course <b>1</b>",
        lineitems_url=lms.lineitems_url,
        memberships_url=lms.memberships_url,
        **extra,
    )


def seed(lms, *, learners=5, items=2):
    lms.members = [
        {
            "status": "Active",
            "user_id": f"u{i}",
            "name": f"Learner {i}",
            "email": f"l{i}@example.edu",
            "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        }
        for i in range(learners)
    ]
    for n in range(items):
        lms.add_line_item(label=f"Criterion {n}", scoreMaximum=10, tag=f"credbridge:criterion:{n}")
        for i in range(learners):
            lms.set_result(n + 1, f"u{i}", score=i, maximum=10)


@pytest.fixture(params=["moodle", "canvas"])
def env(request, db):
    lms, platform = make_lms_and_platform(request.param)
    yield lms, platform, make_course(lms, platform)
    lms.stop()


@pytest.fixture
def canvas_env(db):
    lms, platform = make_lms_and_platform("canvas")
    yield lms, platform, make_course(lms, platform)
    lms.stop()


@pytest.fixture
def generic_env(db):
    lms, platform = make_lms_and_platform("generic")
    yield lms, platform, make_course(lms, platform)
    lms.stop()
