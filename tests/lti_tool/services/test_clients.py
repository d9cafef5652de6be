"""AGS/NRPS clients against an LMS over real HTTP, in each flavour's captured behaviour."""

import threading
import time

import pytest
from django.core.cache import cache

from lti_tool.platforms import get_adapter
from lti_tool.services.ags import AGSClient
from lti_tool.services.errors import (
    AuthFailed,
    CourseConcluded,
    InvalidScope,
    MalformedResponse,
    PaginationLoop,
    Throttled,
    Unavailable,
    UntrustedURL,
)
from lti_tool.services.nrps import NRPSClient
from lti_tool.services.tokens import get_access_token

RESULT_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"


def _seed(lms, items=3, learners=5):
    for i in range(items):
        item = lms.add_line_item(label=f"Criterion {i}", scoreMaximum=10, tag=f"t{i}")
    for u in range(learners):
        lms.set_result(1, f"user-{u}", score=u, maximum=10, comment=f"c{u}")
    return item


def test_line_items_and_results_read_across_pages(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=5, learners=7)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    items = list(client.iter_line_items())
    assert [i["label"] for i in items] == [f"Criterion {i}" for i in range(5)]
    pages = [list(p) for p in client.iter_result_pages(line_item_url=items[0]["id"])]
    assert [len(p) for p in pages] == [2, 2, 2, 1]  # every page, not just the first
    assert sorted(r["userId"] for p in pages for r in p) == [f"user-{u}" for u in range(7)]
    # One token per scope set, reused for every page.
    assert len(lms.token_requests) == 2


def test_moodle_type_id_urls_and_exact_media_types(moodle):
    lms, platform = moodle
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    (item,) = client.iter_line_items()
    assert item["id"].endswith("/lineitem?type_id=1")
    list(client.iter_result_pages(line_item_url=item["id"]))
    assert any(
        p.startswith("/mod/lti/services.php/2/lineitems/1/lineitem/results?type_id=1")
        for _, p in lms.requests
    )
    client.post_score(line_item_url=item["id"], user_id="4", score_given=7.5, score_maximum=10)
    score = lms.scores[-1]
    assert score["path"].startswith("/mod/lti/services.php/2/lineitems/1/lineitem/scores?type_id=1")
    assert score["ctype"] == "application/vnd.ims.lis.v1.score+json"
    assert score["userId"] == "4" and score["gradingProgress"] == "FullyGraded"
    assert "https://canvas.instructure.com/lti/submission" not in score


def test_canvas_score_carries_the_no_new_attempt_extension(canvas):
    lms, platform = canvas
    item = lms.add_line_item(label="Credential", scoreMaximum=100)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    client.post_score(
        line_item_url=item["id"], user_id="u1", score_given=100, score_maximum=100, comment="ok"
    )
    ext = lms.scores[-1]["https://canvas.instructure.com/lti/submission"]
    assert ext == {"new_submission": False, "prioritize_non_tool_grade": True}
    assert lms.scores[-1]["comment"] == "ok"


def test_create_and_update_line_item(lms_platform):
    lms, platform = lms_platform
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    item = client.create_line_item(
        label="Crit", score_maximum=4, tag="credbridge:criterion:a", resource_id="a"
    )
    assert item["tag"] == "credbridge:criterion:a" and item["scoreMaximum"] == 4
    updated = client.update_line_item(url=item["id"], data={"label": "Crit 2", "scoreMaximum": 5})
    assert updated["label"] == "Crit 2" and updated["scoreMaximum"] == 5
    with pytest.raises(ValueError):
        client.create_line_item(label="", score_maximum=4)


def test_nrps_pages_and_moodle_short_roles(moodle):
    lms, platform = moodle
    lms.members = [
        {"status": "Active", "user_id": str(i), "name": f"N{i}", "roles": ["Learner"]}
        for i in range(5)
    ]
    pages = list(
        NRPSClient(platform=platform, memberships_url=lms.memberships_url).iter_member_pages()
    )
    assert [len(p) for p in pages] == [2, 2, 1]
    assert pages[0][0]["roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]


def test_token_is_cached_and_refreshed_once_on_401(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    list(client.iter_line_items())
    list(client.iter_line_items())
    assert len(lms.token_requests) == 1
    lms.revoke_tokens()  # the LMS forgot our token (expired early)
    assert len(list(client.iter_line_items())) == 1
    assert len(lms.token_requests) == 2
    # The assertion is a fresh JWT each time (jti), aimed at the token URL exactly.
    assert lms.token_requests[0]["client_assertion"] != lms.token_requests[1]["client_assertion"]


def test_401_after_refresh_flags_the_registration(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    lms.inject(
        match="line", status=401, body='{"errors":{"message":"Invalid Developer Key"}}', times=5
    )
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    with pytest.raises(AuthFailed):
        list(client.iter_line_items())
    platform.refresh_from_db()
    assert "refused the tool's access" in platform.needs_attention


def test_invalid_scope_names_the_scope_and_flags_the_registration(canvas):
    lms, platform = canvas
    lms.granted.discard(RESULT_SCOPE)
    with pytest.raises(InvalidScope) as err:
        get_access_token(platform=platform, scopes=[RESULT_SCOPE])
    assert err.value.scope == RESULT_SCOPE
    platform.refresh_from_db()
    assert RESULT_SCOPE in platform.needs_attention


def test_only_the_needed_scope_is_requested(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    list(client.iter_result_pages(line_item_url=lms.line_item_url(1)))
    assert lms.token_requests[-1]["scope"] == RESULT_SCOPE


def test_retry_after_is_honoured_then_succeeds(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    lms.inject(match="line", status=429, headers={"Retry-After": "0"}, times=2)
    lms.inject(match="line", status=503, times=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    assert len(list(client.iter_line_items())) == 1


def test_persistent_429_and_500_end_with_distinct_errors(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    list(client.iter_line_items())  # token cached
    lms.inject(match="line", status=429, times=10)
    with pytest.raises(Throttled):
        list(client.iter_line_items())
    lms.faults.clear()
    lms.inject(match="line", status=500, times=10)
    with pytest.raises(Unavailable):
        list(client.iter_line_items())
    lms.faults.clear()
    lms.inject(match="line", status=429, headers={"Retry-After": "3600"}, times=1)
    with pytest.raises(Throttled) as err:
        list(client.iter_line_items())
    assert err.value.retry_after == 3600  # too long to wait in a worker: reported at once


def test_timeouts_are_retried_then_reported(moodle):
    lms, platform = moodle
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    list(client.iter_line_items())
    lms.inject(match="line", status=0, times=1)
    assert len(list(client.iter_line_items())) == 1
    lms.inject(match="line", status=0, times=10)
    with pytest.raises(Unavailable):
        list(client.iter_line_items())


def test_canvas_plain_text_403_throttle_is_throttling_not_auth(canvas):
    lms, platform = canvas
    _seed(lms, items=1, learners=1)
    lms.inject(
        match="line",
        status=403,
        body="403 Forbidden (Rate Limit Exceeded)\n",
        headers={"X-Rate-Limit-Remaining": "49.99"},
        times=1,
    )
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    assert len(list(client.iter_line_items())) == 1
    platform.refresh_from_db()
    assert platform.needs_attention == ""


def test_canvas_concluded_course_422(canvas):
    lms, platform = canvas
    _seed(lms, items=1, learners=1)
    lms.inject(
        match="line",
        status=422,
        body='{"errors":{"type":"unprocessable_entity","message":"This course has concluded. '
        'AGS requests will no longer be accepted for this course."}}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(CourseConcluded):
        list(AGSClient(platform=platform, lineitems_url=lms.lineitems_url).iter_line_items())


def test_malformed_json_and_wrong_shape_are_rejected(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    lms.inject(
        match="results", status=200, body="[{not json", headers={"Content-Type": "application/json"}
    )
    # A result page is read as it is stored (ags_stream): the fault shows when reached.
    with pytest.raises(MalformedResponse):
        [r for page in client.iter_result_pages(line_item_url=lms.line_item_url(1)) for r in page]
    lms.inject(
        match="results",
        status=200,
        body='{"results": []}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(MalformedResponse):
        [r for page in client.iter_result_pages(line_item_url=lms.line_item_url(1)) for r in page]


def test_pagination_loop_is_cut(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    list(client.iter_line_items())
    loop = f'<{lms.lineitems_url}>; rel="next"'
    lms.inject(
        match="line",
        status=200,
        body="[]",
        headers={"Content-Type": "application/json", "Link": loop},
        times=3,
    )
    with pytest.raises(PaginationLoop):
        list(client.iter_line_item_pages())


def test_next_link_to_another_host_is_refused(lms_platform):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    list(client.iter_line_items())
    lms.inject(
        match="line",
        status=200,
        body="[]",
        headers={
            "Content-Type": "application/json",
            "Link": '<https://evil.example/x>; rel="next"',
        },
    )
    with pytest.raises(UntrustedURL):
        list(client.iter_line_item_pages())
    assert not any("evil" in p for _, p in lms.requests)


def test_service_url_on_a_foreign_host_is_refused(lms_platform):
    lms, platform = lms_platform
    with pytest.raises(UntrustedURL):
        AGSClient(platform=platform, lineitems_url="https://evil.example/lineitems")
    platform.service_hosts = "evil.example"
    platform.save()
    AGSClient(platform=platform, lineitems_url="https://evil.example/lineitems")


def test_adapter_is_chosen_from_the_flavour(lms_platform):
    _, platform = lms_platform
    assert get_adapter(platform).flavour == platform.flavour


def test_no_token_in_cache_keys_or_logs(lms_platform, caplog):
    lms, platform = lms_platform
    _seed(lms, items=1, learners=1)
    lms.inject(match="line", status=500, times=1)
    list(AGSClient(platform=platform, lineitems_url=lms.lineitems_url).iter_line_items())
    token = next(iter(lms.tokens))
    assert token not in caplog.text
    assert cache.get(f"lti-access-token:{platform.pk}:x") is None


def test_a_cached_token_serves_only_the_registration_it_was_granted_to(lms_platform):
    """Another deployment sharing the cache (or a platform registered again under a reused
    id) has the same row id but another issuer, client or token endpoint: its LMS is asked
    for a token of its own (here it refuses the stranger) instead of this LMS's being sent."""
    import copy

    lms, platform = lms_platform
    token = get_access_token(platform=platform, scopes=[RESULT_SCOPE])
    assert get_access_token(platform=platform, scopes=[RESULT_SCOPE]) == token
    asked = len(lms.token_requests)
    for field, value in (
        ("client_id", "another-client"),
        ("issuer", "https://another-lms.example"),
        ("auth_token_url", platform.auth_token_url + "?another"),
    ):
        other = copy.copy(platform)
        setattr(other, field, value)
        try:
            answer = get_access_token(platform=other, scopes=[RESULT_SCOPE])
        except AuthFailed:
            continue  # the LMS was asked and refused: the cached token was not used
        assert answer != token, field
    assert len(lms.token_requests) == asked + 3  # each asked its LMS


def test_moodle_same_second_score_conflict_is_posted_again(moodle):
    lms, platform = moodle
    item = lms.add_line_item(label="Credential", scoreMaximum=50)
    lms.inject(match="scores", status=409, body="", times=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    client.post_score(line_item_url=item["id"], user_id="5", score_given=40, score_maximum=50)
    assert len(lms.scores) == 1 and lms.count("scores") == 2


def test_a_conflict_elsewhere_is_not_retried(canvas):
    lms, platform = canvas
    item = lms.add_line_item(label="Credential", scoreMaximum=50)
    lms.inject(match="scores", status=409, body='{"errors":{"message":"conflict"}}', times=1)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    with pytest.raises(Exception, match="HTTP 409"):
        client.post_score(line_item_url=item["id"], user_id="5", score_given=40, score_maximum=50)


def test_canvas_throttle_wait_comes_from_the_bucket_headers(canvas):
    import requests as rq

    _, platform = canvas
    adapter = get_adapter(platform)
    response = rq.Response()
    response.status_code = 429
    response.headers["X-Rate-Limit-Remaining"] = "10.0"
    assert adapter.is_throttled(response)
    assert adapter.retry_delay(response) == pytest.approx(4.0)  # (50 - 10) / 10 units per s
    response.headers["Retry-After"] = "7"
    assert adapter.retry_delay(response) == 7.0


def test_a_result_listing_asks_for_its_first_page_when_opened(moodle):
    # A sync opens several listings and reads one while the others download: a listing
    # that waited to be read before asking would download nothing in parallel.
    lms, platform = moodle
    _seed(lms, items=1, learners=3)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    pages = client.iter_result_pages(line_item_url=lms.line_item_url(1))
    for _ in range(200):
        if lms.count("/results"):
            break
        time.sleep(0.01)
    assert lms.count("/results") == 1  # asked for, nothing read yet
    assert len(list(next(pages))) == 2 and not pages.finished  # the fake LMS pages by two
    assert len(list(next(pages))) == 1 and pages.finished  # the last: no more requests to come
    assert lms.count("/results") == 2


def test_closing_an_unread_listing_stops_its_download_thread(moodle):
    lms, platform = moodle
    _seed(lms, items=1, learners=3)
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    before = {t.name for t in threading.enumerate()}
    pages = client.iter_result_pages(line_item_url=lms.line_item_url(1))
    pages.close()
    after = {t.name for t in threading.enumerate() if t.is_alive()}
    assert not {n for n in after - before if n.startswith("lms-prefetch")}
