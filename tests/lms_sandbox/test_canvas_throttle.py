"""The Canvas sandbox's request throttle: a leaky bucket per client, as Canvas's
app/middleware/request_throttle.rb runs it (captures 10)."""

import pytest

from lms_sandbox.flavours import get_flavour
from lms_sandbox.flavours.base import MT_LINEITEMS
from lms_sandbox.flavours.canvas_throttle import reset_buckets

from .test_ags import Svc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_buckets():
    reset_buckets()
    yield
    reset_buckets()


def test_every_answer_reports_cost_and_remaining_budget(canvas_course, http):
    sp = canvas_course.platform
    r = Svc(http, sp).get(get_flavour(sp).lineitems_url(canvas_course), MT_LINEITEMS)
    assert r.status_code == 200
    assert 0 <= float(r.headers["X-Request-Cost"]) < 5
    assert 595 < float(r.headers["X-Rate-Limit-Remaining"]) <= 600


def test_the_bucket_refuses_once_full_and_recovers_by_leaking(canvas_course, http, settings):
    sp = canvas_course.platform
    # Each request leaves 60 in the bucket (Canvas's "extra-request-cost"); hwm 150.
    settings.LMS_SANDBOX_CANVAS_THROTTLE = {"hwm": 150, "extra_cost": 60, "outflow": 0.001}
    svc = Svc(http, sp)
    url = get_flavour(sp).lineitems_url(canvas_course)
    first = svc.get(url, MT_LINEITEMS)
    second = svc.get(url, MT_LINEITEMS)
    assert first.status_code == second.status_code == 200
    assert float(first.headers["X-Request-Cost"]) >= 60
    assert float(second.headers["X-Rate-Limit-Remaining"]) < float(
        first.headers["X-Rate-Limit-Remaining"]
    )
    refused = svc.get(url, MT_LINEITEMS)  # 120 + 50 up front >= 150
    assert refused.status_code == 403
    assert refused.text == "403 Forbidden (Rate Limit Exceeded)\n"
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert "X-Request-Cost" not in refused.headers and "Retry-After" not in refused.headers
    assert float(refused.headers["X-Rate-Limit-Remaining"]) <= 30
    settings.LMS_SANDBOX_CANVAS_THROTTLE = {"hwm": 150, "extra_cost": 60, "outflow": 10000}
    assert svc.get(url, MT_LINEITEMS).status_code == 200
