"""How wide a sync goes, from the rate budget the LMS reports (pure rule and adapters)."""

from types import SimpleNamespace

import pytest
import requests

from lti_tool.platforms.canvas import CanvasAdapter
from lti_tool.platforms.generic import GenericAdapter
from lti_tool.platforms.moodle import MoodleAdapter
from lti_tool.platforms.rate_limit import parallel_width

CANVAS = {"reserve": 100.0, "up_front_cost": 50.0, "max_width": 8}


def test_width_is_the_maximum_with_a_full_bucket():
    assert parallel_width(remaining=600.0, avg_cost=0.04, **CANVAS) == 8


def test_width_falls_to_one_when_the_bucket_is_nearly_empty():
    assert parallel_width(remaining=149.0, avg_cost=0.04, **CANVAS) == 1
    assert parallel_width(remaining=0.0, avg_cost=0.04, **CANVAS) == 1
    assert parallel_width(remaining=-30.0, avg_cost=0.04, **CANVAS) == 1


def test_width_between_pays_each_request_its_up_front_and_real_cost():
    # (400 - 100) / (50 + 2 * 0.04) = 5.99 -> 5; expensive requests narrow it.
    assert parallel_width(remaining=400.0, avg_cost=0.04, **CANVAS) == 5
    assert parallel_width(remaining=400.0, avg_cost=25.0, **CANVAS) == 3


def _answer(status=200, **headers) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers)
    response._content = b"{}"
    return response


def _platform():
    return SimpleNamespace(allowed_service_hosts=lambda: set(), flavour="")


def test_canvas_width_follows_its_rate_headers(settings):
    settings.SYNC_PARALLEL_MAX = 6
    adapter = CanvasAdapter(_platform())
    # Nothing heard yet: one at a time.
    assert adapter.sync_width(configured=3) == 1
    answer = _answer(**{"X-Rate-Limit-Remaining": "599.960189", "X-Request-Cost": "0.0398"})
    adapter.rate.record(adapter.rate_reading(answer), throttled=False)
    assert adapter.sync_width(configured=3) == 6
    low = _answer(**{"X-Rate-Limit-Remaining": "120.5", "X-Request-Cost": "0.05"})
    adapter.rate.record(adapter.rate_reading(low), throttled=False)
    assert adapter.sync_width(configured=3) == 1
    assert adapter.rate.widest == 6


def test_canvas_throttled_answer_counts_and_narrows():
    adapter = CanvasAdapter(_platform())
    answer = _answer(403, **{"X-Rate-Limit-Remaining": "0.0"})
    answer._content = b"403 Forbidden (Rate Limit Exceeded)\n"
    assert adapter.is_throttled(answer)
    adapter.rate.record(adapter.rate_reading(answer), throttled=True)
    assert adapter.rate.throttled == 1
    assert adapter.sync_width(configured=3) == 1


@pytest.mark.parametrize("adapter_class", [MoodleAdapter, GenericAdapter])
def test_other_lms_keep_the_configured_width_whatever_the_headers(adapter_class):
    adapter = adapter_class(_platform())
    answer = _answer(**{"X-Rate-Limit-Remaining": "5", "X-Request-Cost": "40"})
    adapter.rate.record(adapter.rate_reading(answer), throttled=False)
    assert adapter.rate.latest is None
    assert adapter.sync_width(configured=1) == 1
    assert adapter.sync_width(configured=3) == 3
