"""A Canvas sync over real HTTP against the sandbox's request throttle (a leaky bucket after
Canvas's app/middleware/request_throttle.rb): the sync's width follows the bucket."""

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from assessments.models import Course, Result
from assessments.sync import sync_course
from lms_sandbox.browserless import follow_launch
from lms_sandbox.faults import set_fault
from lms_sandbox.flavours.canvas_throttle import reset_buckets
from lms_sandbox.models import SandboxEnrolment, SandboxResult
from lms_sandbox.seed import add_activity, connect_tool, seed_course

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = 5
LEARNERS = 12


@pytest.fixture
def canvas(live_server, settings):
    settings.LTI_SERVICE_MAX_WAIT_S = 10
    settings.LTI_SERVICE_PAGE_SIZE = 3
    reset_buckets()
    sp, _ = connect_tool(flavour="canvas", tool_base_url=live_server.url, page_size=3)
    sb = seed_course(platform=sp, title="Throttled course", learners=LEARNERS)
    for n in range(COLUMNS):
        add_activity(course=sb, title=f"Column {n}", score_maximum=10)
    now = timezone.now()
    learners = SandboxEnrolment.objects.filter(course=sb, role="learner")
    for item in sb.line_items.all():
        for e in learners:
            SandboxResult.objects.create(
                line_item=item,
                user=e.user,
                score_given=7,
                score_maximum=10,
                updated_at=now,
                score_timestamp=now,
                grading_progress="FullyGraded",
                activity_progress="Completed",
            )
    user = SandboxEnrolment.objects.filter(course=sb, role="instructor").first().user
    link = sb.resource_links.first()
    url = (
        f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}"
        f"?course={sb.pk}&user={user.pk}&role=instructor&link={link.pk}"
    )
    final = follow_launch(requests.Session(), url)
    assert urlsplit(final.url).path == "/course/", final.text[:300]
    yield sp, sb, Course.objects.get(context_id=sb.context_id)
    reset_buckets()


def _expected(sb) -> int:
    return SandboxResult.objects.filter(line_item__course=sb).count()


def test_full_bucket_lets_the_sync_go_wide(canvas):
    sp, sb, course = canvas
    run = sync_course(course=course, trigger="manual")
    assert run.outcome == "succeeded", run.error
    assert Result.objects.filter(line_item__course=course).count() == _expected(sb)
    assert run.rate.widest > 3  # wider than the fixed width other LMSs get
    assert run.rate.throttled == 0


def test_small_bucket_is_never_overrun_and_every_result_arrives(canvas, settings):
    sp, sb, course = canvas
    # Three requests in flight (the fixed width) would reach 150 >= 140: throttled.
    settings.LMS_SANDBOX_CANVAS_THROTTLE = {"hwm": 140}
    run = sync_course(course=course, trigger="manual")
    assert run.outcome == "succeeded", run.error
    assert Result.objects.filter(line_item__course=course).count() == _expected(sb)
    assert run.rate.throttled == 0
    assert run.rate.widest == 1


def test_a_throttled_answer_is_retried_after_backoff(canvas):
    sp, sb, course = canvas
    set_fault(platform=sp, kind="throttle_403", target="results", times=2)
    run = sync_course(course=course, trigger="manual")
    assert run.outcome == "succeeded", run.error
    assert run.rate.throttled == 2
    assert Result.objects.filter(line_item__course=course).count() == _expected(sb)
