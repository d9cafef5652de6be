"""The sync against an LMS over real HTTP: streaming, change detection, revisions, faults."""

import json
import threading
import time

import pytest

from assessments import sync as sync_module
from assessments.models import Enrolment, Learner, LineItem, Result, ResultRevision, SyncRun
from assessments.signals import learners_changed
from assessments.sync import sync_course
from tests.lti_tool.services.fake_lms import LINEITEMS

from .conftest import seed


@pytest.fixture
def changed_calls():
    calls = []

    def receiver(sender, *, course_id, learner_ids, **kw):
        calls.append((course_id, list(learner_ids)))

    learners_changed.connect(receiver, dispatch_uid="test-changed")
    yield calls
    learners_changed.disconnect(dispatch_uid="test-changed")


def test_full_sync_stores_everything_and_announces_changed_learners(env, changed_calls):
    lms, platform, course = env
    seed(lms, learners=5, items=2)
    run = sync_course(course=course, trigger="manual")
    assert run.outcome == SyncRun.Outcome.SUCCEEDED, run.error
    assert (run.new_results, run.changed_results, run.unchanged_results) == (10, 0, 0)
    assert run.pages == 3 + 2 * 3  # roster pages + result pages (page size 2)
    assert Learner.objects.filter(platform=platform).count() == 5
    assert Enrolment.objects.filter(course=course, active=True, roles=["learner"]).count() == 5
    assert LineItem.objects.filter(course=course).count() == 2
    result = Result.objects.get(learner__sub="u3", line_item__label="Criterion 1")
    assert (result.score, result.maximum, result.revision) == (3.0, 10.0, 1)
    assert result.raw["userId"] == "u3" and len(result.content_hash) == 64
    assert ResultRevision.objects.count() == 10
    assert changed_calls == [(course.pk, sorted(Learner.objects.values_list("pk", flat=True)))]


def test_unchanged_resync_writes_nothing(env, changed_calls, django_assert_max_num_queries):
    lms, platform, course = env
    seed(lms, learners=4, items=2)
    sync_course(course=course)
    before = list(Result.objects.values_list("pk", "fetched_at", "revision"))
    changed_calls.clear()
    run = sync_course(course=course)
    assert (run.new_results, run.changed_results, run.unchanged_results) == (0, 0, 8)
    assert list(Result.objects.values_list("pk", "fetched_at", "revision")) == before
    assert ResultRevision.objects.count() == 8
    assert changed_calls == []


def test_a_changed_result_gets_a_new_revision_and_keeps_the_old(env, changed_calls):
    lms, platform, course = env
    seed(lms, learners=3, items=1)
    sync_course(course=course)
    changed_calls.clear()
    lms.set_result(1, "u1", score=9, maximum=10, comment="regraded")
    run = sync_course(course=course)
    assert (run.new_results, run.changed_results, run.unchanged_results) == (0, 1, 2)
    result = Result.objects.get(learner__sub="u1")
    assert (result.score, result.comment, result.revision) == (9.0, "regraded", 2)
    history = list(result.revisions.order_by("number").values_list("number", "score"))
    assert history == [(1, 1.0), (2, 9.0)]
    assert changed_calls == [(course.pk, [result.learner_id])]


def test_learner_who_vanishes_is_inactive_and_keeps_evidence(env):
    lms, platform, course = env
    seed(lms, learners=3, items=1)
    sync_course(course=course)
    lms.members = lms.members[:2]  # u2 dropped: Canvas simply stops listing them
    run = sync_course(course=course)
    assert run.outcome == "succeeded"
    gone = Enrolment.objects.get(course=course, learner__sub="u2")
    assert not gone.active
    assert Result.objects.filter(learner__sub="u2").exists()
    lms.members.append({"status": "Active", "user_id": "u2", "roles": ["Learner"]})
    sync_course(course=course)
    assert Enrolment.objects.get(course=course, learner__sub="u2").active


def test_results_of_someone_not_on_the_roster_are_kept(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    lms.set_result(1, "departed", score=7, maximum=10)
    sync_course(course=course)
    assert Result.objects.get(learner__sub="departed").score == 7


def test_malformed_page_is_rejected_whole_and_earlier_pages_kept(env, changed_calls):
    lms, platform, course = env
    seed(lms, learners=5, items=1)
    lms.inject(
        match=("results", "from=2"),
        status=200,
        body='[{"userId": "u2", "resultScore": 1}, {"x": 1}]',
        headers={"Content-Type": "application/json"},
    )
    run = sync_course(course=course)
    assert run.outcome == "failed"
    assert "could not read" in run.error
    # Page 1 (u0, u1) stored; page 2 rejected whole (u2 not written); nothing after it.
    assert sorted(Result.objects.values_list("learner__sub", flat=True)) == ["u0", "u1"]
    # The learners of the pages kept are announced all the same, and only they.
    stored = sorted(Result.objects.values_list("learner_id", flat=True))
    assert changed_calls == [(course.pk, stored)]


def test_garbage_json_fails_the_run_without_writing(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    lms.inject(
        match="results", status=200, body="{{{", headers={"Content-Type": "application/json"}
    )
    run = sync_course(course=course)
    assert run.outcome == "failed" and Result.objects.count() == 0


def test_pagination_loop_ends_the_run(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    url = lms.line_item_url(1)
    first_page = lms.base + "/api/lti/courses/101/line_items/1/results?from=0"
    if lms.flavour == "moodle":
        first_page = (
            lms.base + "/mod/lti/services.php/2/lineitems/1/lineitem/results?type_id=1&from=0"
        )
    loop = f'<{first_page}>; rel="next"'
    lms.inject(
        match="results",
        status=200,
        body="[]",
        times=5,
        headers={"Content-Type": "application/json", "Link": loop},
    )
    run = sync_course(course=course)
    assert run.outcome == "failed" and "loop" in run.error, (url, run.error)


def test_persistent_throttling_fails_with_reason_and_keeps_data(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    sync_course(course=course)
    before = list(Result.objects.values_list("pk", "score", "revision"))
    lms.set_result(1, "u0", score=5)
    lms.inject(match="results", status=429, headers={"Retry-After": "0"}, times=20)
    run = sync_course(course=course)
    assert run.outcome == "failed" and "slow down" in run.error and run.retryable
    assert list(Result.objects.values_list("pk", "score", "revision")) == before


def test_401_after_refresh_flags_registration(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    lms.inject(match="nrps", status=401, times=5)
    run = sync_course(course=course)
    assert run.outcome == "failed" and "administrator" in run.error
    platform.refresh_from_db()
    assert platform.needs_attention


def test_invalid_scope_is_named_to_the_instructor(canvas_env):
    lms, platform, course = canvas_env
    seed(lms, learners=2, items=1)
    lms.granted.discard("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")
    run = sync_course(course=course)
    assert "contextmembership.readonly" in run.error
    platform.refresh_from_db()
    assert "contextmembership.readonly" in platform.needs_attention


CONCLUDED = (
    '{"errors":{"type":"unprocessable_entity","message":"This course has concluded. '
    'AGS requests will no longer be accepted for this course."}}'
)


def test_canvas_concluded_course_422_is_marked_and_evidence_kept(canvas_env):
    lms, platform, course = canvas_env
    seed(lms, learners=2, items=1)
    sync_course(course=course)
    lms.inject(
        match="line_items",
        status=422,
        body=CONCLUDED,
        times=50,
        headers={"Content-Type": "application/json"},
    )
    run = sync_course(course=course)
    course.refresh_from_db()
    assert run.outcome == "concluded" and course.concluded and course.concluded_at
    assert Result.objects.count() == 2


def test_canvas_404_after_earlier_success_means_concluded(canvas_env):
    lms, platform, course = canvas_env
    seed(lms, learners=1, items=1)
    sync_course(course=course)
    lms.inject(
        match="line_items",
        status=404,
        times=50,
        body='{"errors":[{"message":"The specified resource does not exist."}]}',
        headers={"Content-Type": "application/json"},
    )
    run = sync_course(course=course)
    course.refresh_from_db()
    assert run.outcome == "concluded" and course.concluded


def test_generic_404_is_a_failure_not_a_conclusion(generic_env):
    lms, platform, course = generic_env
    seed(lms, learners=1, items=1)
    sync_course(course=course)
    lms.inject(
        match="line_items", status=404, times=50, headers={"Content-Type": "application/json"}
    )
    run = sync_course(course=course)
    course.refresh_from_db()
    assert run.outcome == "failed" and not course.concluded


def test_line_item_deleted_in_lms_is_flagged_and_its_evidence_kept(env):
    lms, platform, course = env
    seed(lms, learners=2, items=2)
    sync_course(course=course)
    lms.line_items.pop(2)
    run = sync_course(course=course)
    assert run.outcome == "succeeded"
    gone = LineItem.objects.get(label="Criterion 1")
    assert gone.deleted_in_lms and gone.results.count() == 2


def test_roster_changes_update_people_and_roles_only_when_they_differ(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    sync_course(course=course)
    stamp = Learner.objects.get(sub="u1").updated_at
    lms.members[0]["name"] = "Renamed <i>Learner</i>"
    lms.members[0]["roles"] = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    sync_course(course=course)
    assert Learner.objects.get(sub="u0").name == "Renamed <i>Learner</i>"
    assert Enrolment.objects.get(course=course, learner__sub="u0").roles == ["instructor"]
    assert Learner.objects.get(sub="u1").updated_at == stamp  # unchanged: not written


def test_a_crash_while_storing_ends_the_run_failed_and_propagates(env, monkeypatch):
    lms, platform, course = env
    seed(lms, learners=2, items=1)

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("assessments.sync.store_results_page", boom)
    with pytest.raises(RuntimeError):
        sync_course(course=course)
    run = SyncRun.objects.get(course=course)
    assert run.outcome == "failed" and run.finished_at and "evidence stored before" in run.error


@pytest.mark.parametrize(("width", "most"), [(1, 1), (3, 3)])
def test_line_items_are_downloaded_in_parallel_up_to_the_setting(env, settings, width, most):
    lms, platform, course = env
    settings.SYNC_PARALLEL_LINE_ITEMS = width
    seed(lms, learners=5, items=3)  # 3 line items x 3 result pages
    # Slow enough that every listing's next page is still on its way while the other
    # listings' pages are stored, however loaded the machine.
    lms.results_delay_s = 0.3
    lms.most_in_flight = 0
    run = sync_course(course=course)
    assert run.outcome == SyncRun.Outcome.SUCCEEDED, run.error
    assert (run.new_results, run.pages) == (15, 3 + 3 * 3)
    if platform.flavour == "canvas":
        # Canvas's width follows its rate budget (test_sandbox_canvas_rate.py); this fake
        # reports none, so the sync never asks it more than one at a time.
        most = 1
    assert lms.most_in_flight == most
    assert ResultRevision.objects.count() == 15


MOODLE_PAGE = (
    '<!DOCTYPE html>\n<html dir="ltr" lang="en"><head><title>Error</title>'
    '<script>M.cfg = {"sesskey":"s3cr3tSesskey"};</script></head><body>'
    '<p class="errormessage">Exception - Call to a member function out() on null</p>'
    "</body></html>"
)


def test_an_html_page_where_json_was_expected_fails_the_run_with_its_first_bytes(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    lms.inject(
        match="results",
        status=200,
        body=MOODLE_PAGE,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    run = sync_course(course=course)
    assert run.outcome == "failed" and Result.objects.count() == 0
    assert "HTML page" in run.error
    assert run.detail.startswith("HTTP 200, text/html") and "<!DOCTYPE html>" in run.detail
    assert "out() on null" in run.detail  # the page's own words
    assert "s3cr3tSesskey" not in run.detail  # sanitised


def test_a_404_on_results_of_a_column_that_still_exists_fails_instead_of_deleting(env):
    lms, platform, course = env
    seed(lms, learners=3, items=2)
    assert sync_course(course=course).outcome == "succeeded"
    lms.inject(
        match="results",
        status=404,
        body=MOODLE_PAGE,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    run = sync_course(course=course)
    assert run.outcome == "failed" and "still exists" in run.error
    assert run.detail.startswith("HTTP 404, text/html") and "out() on null" in run.detail
    assert not LineItem.objects.filter(deleted_in_lms=True).exists()
    assert Result.objects.count() == 6
    # It asked the column itself before concluding anything. Columns are read side by side
    # (the sync's width), so the first 404 may be either column's.
    asked = {("GET", lms.line_item_url(n).removeprefix(lms.base)) for n in (1, 2)}
    assert asked & set(lms.requests)


def test_a_404_on_a_column_the_listing_still_names_is_not_a_deletion(env):
    # The column's own URL and its results answer 404, but the course still lists it.
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    assert sync_course(course=course).outcome == "succeeded"
    lms.inject(match="results", status=404, body="{}", times=1)
    own = "/lineitems/1/lineitem" if lms.flavour == "moodle" else "/line_items/1"
    lms.inject(match=own, status=404, body="{}", times=2)
    run = sync_course(course=course)
    assert run.outcome == "failed" and "still exists" in run.error
    assert not LineItem.objects.filter(deleted_in_lms=True).exists()


def test_results_deleted_between_listing_and_read_are_confirmed_then_flagged(env, monkeypatch):
    lms, platform, course = env
    seed(lms, learners=2, items=2)
    assert sync_course(course=course).outcome == "succeeded"
    from assessments import sync

    listed = sync.store_line_items

    def list_then_delete(**kwargs):
        stored = listed(**kwargs)
        lms.line_items.pop(2)  # deleted in the LMS right after the listing
        return stored

    monkeypatch.setattr(sync, "store_line_items", list_then_delete)
    run = sync_course(course=course)
    assert run.outcome == "succeeded", (run.error, run.detail)
    gone = LineItem.objects.get(label="Criterion 1")
    assert gone.deleted_in_lms and gone.results.count() == 2
    assert not LineItem.objects.get(label="Criterion 0").deleted_in_lms


def test_zero_results_where_earlier_runs_read_some_is_a_warning_and_keeps_them(env):
    lms, platform, course = env
    seed(lms, learners=3, items=2)
    assert sync_course(course=course).outcome == "succeeded"
    lms.results[1].clear()
    run = sync_course(course=course)
    assert run.outcome == "succeeded"
    assert len(run.warnings) == 1 and "Criterion 0" in run.warnings[0] and "3" in run.warnings[0]
    assert Result.objects.filter(line_item__label="Criterion 0").count() == 3


def test_a_column_the_listing_omits_but_that_still_answers_is_kept_with_a_warning(env):
    lms, platform, course = env
    seed(lms, learners=2, items=2)
    assert sync_course(course=course).outcome == "succeeded"
    partial = json.dumps([lms.line_items[1]])  # a listing that lost the second column
    listing = "lineitems?" if lms.flavour == "moodle" else "line_items?"
    lms.inject(match=listing, status=200, body=partial, headers={"Content-Type": LINEITEMS})
    run = sync_course(course=course)
    assert run.outcome == "succeeded", (run.error, run.detail)
    assert not LineItem.objects.filter(deleted_in_lms=True).exists()
    assert len(run.warnings) == 1 and "no longer names" in run.warnings[0]
    assert "Criterion 1" in run.warnings[0]
    assert run.unchanged_results == 4  # both columns still read


def test_a_token_endpoint_answering_an_html_404_is_shown_with_its_words(env):
    # Moodle refusing to call a blocked host (captures, item 14) answers token.php so.
    lms, platform, course = env
    seed(lms, learners=1, items=1)
    lms.inject(
        match="/token",
        status=404,
        body=MOODLE_PAGE,
        headers={"Content-Type": "text/html; charset=utf-8"},
        times=3,
    )
    run = sync_course(course=course)
    assert run.outcome == "failed" and "refused" in run.error
    assert run.detail.startswith("HTTP 404, text/html") and "out() on null" in run.detail


def test_the_first_result_pages_are_asked_for_before_the_roster_is_stored(env, monkeypatch):
    """The LMS renders the columns' results while the roster is written, not after it."""
    lms, platform, course = env
    seed(lms, learners=4, items=2)
    # As many as the width allows: Canvas's follows a rate budget this fake never reports.
    expected = 1 if platform.flavour == "canvas" else 2
    asked_before_roster: list[int] = []
    real_store = sync_module.store_roster_page

    def store_roster_page(**kwargs):
        # The requests are sent from download threads: wait (boundedly) for them to arrive.
        deadline = time.monotonic() + 5
        while lms.count("/results") < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        asked_before_roster.append(lms.count("/results"))
        return real_store(**kwargs)

    monkeypatch.setattr(sync_module, "store_roster_page", store_roster_page)
    run = sync_course(course=course)
    assert run.outcome == SyncRun.Outcome.SUCCEEDED, run.error
    # The columns' first pages were asked for before the roster's first page was stored...
    assert asked_before_roster[0] == expected
    # ...and stored after it: every result's learner is on the roster.
    assert run.new_results == 8 and Learner.objects.filter(platform=platform).count() == 4


def test_columns_that_cannot_be_listed_still_leave_the_roster_stored(env):
    lms, platform, course = env
    seed(lms, learners=3, items=1)
    listing = "lineitems" if platform.flavour == "moodle" else "line_items"
    lms.inject(match=listing, status=503, times=5)
    run = sync_course(course=course)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "did not answer properly" in run.error
    # The roster was downloaded beside the listing, and is stored as when it came first.
    assert Enrolment.objects.filter(course=course, active=True).count() == 3
    assert lms.count("/results") == 0 and Result.objects.count() == 0


def test_a_roster_that_fails_stops_the_result_downloads_it_had_started(env):
    lms, platform, course = env
    seed(lms, learners=3, items=2)
    lms.results_delay_s = 0.3
    lms.inject(match="memberships", status=500, times=5)
    run = sync_course(course=course)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert Result.objects.count() == 0 and Learner.objects.count() == 0
    # No download thread is left behind.
    assert not [t for t in threading.enumerate() if t.name.startswith("lms-prefetch")]
