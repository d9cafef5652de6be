"""What the sync does with Moodle 4.5.6's answers, over real HTTP against the sandbox LMS:
results read without `limit`, a 404 never taken for a deletion without proof, a column
that empties flagged. Each of these failed on the sync that took Moodle's HTML 404 for
"line item deleted" and reported success with 0 results."""

from __future__ import annotations

import pytest

from assessments.models import LineItem, Result, SyncRun
from assessments.sync import sync_course
from lms_sandbox.models import SandboxLineItem, SandboxResult
from lms_sandbox.seed import add_activity, connect_tool, seed_course
from lti_tool.platforms.moodle import MoodleAdapter

from .test_sandbox_sync import _grade, _launch, _launch_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["moodle", "canvas"])
def graded(request, live_server, settings):
    sp, platform = connect_tool(flavour=request.param, tool_base_url=live_server.url)
    sb_course = seed_course(platform=sp, title="Quirks", learners=30)
    if request.param == "canvas":
        add_activity(course=sb_course, title="Criterion column", score_maximum=10)
    _grade(sb_course, learners=30, score=8)
    return sp, sb_course


def test_the_sync_reads_every_result_of_a_graded_column(live_server, graded):
    # Moodle answers `limit` on a graded column with an HTML 404: the sync asks without it.
    sp, sb_course = graded
    course = _launch(live_server, sp, sb_course)
    run = sync_course(course=course, trigger="manual")
    assert run.outcome == "succeeded", (run.error, run.detail)
    # (the launch itself already synced once: a verified launch asks for a sync)
    assert run.new_results + run.unchanged_results == 30 and not run.warnings
    assert not SyncRun.objects.exclude(outcome="succeeded").exists()
    assert Result.objects.filter(line_item__course=course).count() == 30
    assert not LineItem.objects.filter(course=course, deleted_in_lms=True).exists()


def test_an_unexplained_404_fails_the_run_with_the_lms_answer_on_the_dashboard(
    live_server, monkeypatch
):
    # A results read that Moodle answers with its PHP error page (as it does with `limit`):
    # the column still exists, so the run fails loudly and nothing is marked deleted.
    sp, _ = connect_tool(flavour="moodle", tool_base_url=live_server.url)
    sb_course = seed_course(platform=sp, title="Broken read", learners=6)
    _grade(sb_course, learners=6, score=8)
    course, browser, dashboard = _launch_page(live_server, sp, sb_course)
    assert sync_course(course=course).outcome == "succeeded"
    monkeypatch.setattr(
        MoodleAdapter, "results_listing_url", lambda self, url: self.with_page_size(url)
    )
    run = sync_course(course=course, trigger="manual")
    assert run.outcome == "failed" and run.finished_at
    assert "still exists" in run.error and "nothing was marked deleted" in run.error
    assert run.detail.startswith("HTTP 404, text/html from ")
    assert "limit=1000" in run.detail and "<!DOCTYPE html>" in run.detail
    assert "Call to a member function out() on null" in run.detail
    assert "Bearer" not in run.detail
    assert not LineItem.objects.filter(course=course, deleted_in_lms=True).exists()
    assert Result.objects.filter(line_item__course=course).count() == 6  # kept
    page = browser.get(dashboard).text
    assert "still exists" in page and "HTTP 404, text/html" in page
    assert "&lt;!DOCTYPE html&gt;" in page  # shown escaped, never rendered


def test_a_column_really_deleted_in_the_lms_is_confirmed_then_flagged(live_server, graded):
    sp, sb_course = graded
    course = _launch(live_server, sp, sb_course)
    assert sync_course(course=course).outcome == "succeeded"
    # Deleted between the listing and the results read: the results URL answers 404, and
    # so do the column's own URL and (by omission) the course's listing.
    from assessments import sync

    listed = sync.store_line_items

    def list_then_delete(**kwargs):
        stored = listed(**kwargs)
        SandboxLineItem.objects.filter(course=sb_course, other_tool=False).delete()
        return stored

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sync, "store_line_items", list_then_delete)
        run = sync_course(course=course)
    assert run.outcome == "succeeded", (run.error, run.detail)
    gone = LineItem.objects.get(course=course)
    assert gone.deleted_in_lms and gone.results.count() == 30  # evidence kept


def test_a_column_that_lists_no_results_after_some_is_flagged_and_kept(live_server, graded):
    sp, sb_course = graded
    course, browser, dashboard = _launch_page(live_server, sp, sb_course)
    assert sync_course(course=course).outcome == "succeeded"
    SandboxResult.objects.filter(line_item__course=sb_course).update(score_given=None)
    run = sync_course(course=course)
    assert run.outcome == "succeeded"
    assert len(run.warnings) == 1 and "listed no results" in run.warnings[0]
    assert "30" in run.warnings[0]
    assert SyncRun.objects.get(pk=run.pk).warnings == run.warnings  # in the run record
    assert Result.objects.filter(line_item__course=course).count() == 30  # nothing lost
    assert "listed no results" in browser.get(dashboard).text
