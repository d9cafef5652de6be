"""Sync one course from the LMS: roster (NRPS), line items and results (AGS).

Streamed: each page is stored in its own transaction as it arrives (a few line items are
listed at once, each a page ahead: `result_listings`), so memory stays flat and a failure
never leaves half a page written; what earlier pages stored is complete and kept. The
downloads start before the storing: the roster's first page, the list of columns and the
columns' first result pages are all asked for before the roster is stored, so the LMS's
answers arrive while Credbridge writes. The storing keeps its order: the roster, then the
results of its learners. Each fault ends the run with a reason an instructor can read, and
leaves the data as it was. Afterwards, the learners whose results changed are announced
(`learners_changed`).

Nothing the LMS says is taken on trust as a deletion: a 404 on a column's results is
checked against the column itself and the course's listing (`AGSClient.line_item_is_gone`),
and anything unexplained fails the run with what the LMS answered (status, media type, first
bytes) in `SyncRun.detail`. A column that had results and now lists none is a warning on the
run; its stored results stay.
"""

from __future__ import annotations

import logging
from array import array
from datetime import datetime
from typing import cast

from django.db.models import Count, Model, Q
from django.utils import timezone

from lti_tool.deep_linking import CREDENTIAL_TAG
from lti_tool.platforms import get_adapter
from lti_tool.services.ags import AGSClient
from lti_tool.services.client import Pages
from lti_tool.services.errors import (
    AuthFailed,
    CourseConcluded,
    InvalidScope,
    MalformedResponse,
    NotFound,
    PaginationLoop,
    ServiceError,
    Throttled,
    Unavailable,
    Unexplained,
    UntrustedURL,
)
from lti_tool.services.nrps import NRPSClient

from .line_item_fetch import list_line_items
from .line_item_mirror import store_line_items
from .models import Course, LineItem, Result, SyncRun
from .result_listings import ResultListings
from .results_store import learners_written_since, store_results_page
from .roster import deactivate_missing, store_roster_page
from .signals import learners_changed
from .sync_runs import beat
from .sync_schedule import record_sync

log = logging.getLogger(__name__)

# Failures worth another try later (the task retries them with backoff).
RETRYABLE = (Throttled, Unavailable)


def _plain_words(exc: ServiceError) -> str:
    if isinstance(exc, Unexplained):
        return exc.message
    if isinstance(exc, InvalidScope):
        return (
            f"The LMS registration lacks the permission {exc.scope}. "
            "An administrator must enable it; evidence already synced is kept."
        )
    if isinstance(exc, AuthFailed):
        return "The LMS refused Credbridge's access. An administrator has been alerted."
    if isinstance(exc, Throttled):
        return "The LMS is busy and asked Credbridge to slow down; the sync will try again."
    if isinstance(exc, Unavailable):
        return "The LMS did not answer properly; the sync will try again."
    if isinstance(exc, MalformedResponse):
        return (
            f"{exc.message.removesuffix('; it was rejected.').rstrip('.')}: Credbridge "
            "could not read it, so that page was not stored and the sync stopped."
        )
    if isinstance(exc, PaginationLoop):
        return "The LMS kept sending pages in a loop; the sync was stopped."
    if isinstance(exc, UntrustedURL):
        return "The LMS pointed Credbridge to an address outside the registered LMS; refused."
    return f"The LMS refused a request: {exc.message}"


def line_items_to_sync(course: Course):
    """The line items whose results are pulled: those bound by another app (rubric
    criteria), or all of the course's when none is bound yet.

    Bindings are found through the reverse relations of LineItem, so this app needs no
    import of the apps that depend on it. Credbridge's own credential columns (tagged
    `credbridge:credential...`, the tag its placement and its postback give them) are never
    read: their grades are what Credbridge posted, not evidence of anything.
    """
    live = LineItem.objects.filter(course=course, deleted_in_lms=False).exclude(
        tag__startswith=CREDENTIAL_TAG
    )
    bound = Q()
    found = False
    for rel in LineItem._meta.related_objects:
        # A reverse relation: related_model is the model whose key points here (never "self").
        if cast("type[Model]", rel.related_model)._meta.app_label == "assessments":
            continue
        bound |= Q(**{f"{rel.name}__isnull": False})
        found = True
    if found:
        used = live.filter(bound).distinct()
        if used.exists():
            return used
    return live


def _emptied_columns(line_items: list[LineItem], read: dict[int, int], gone: set[int]) -> list:
    """Warnings for the columns that listed no result this time although results of them
    are stored (read by earlier runs): a column emptied in the LMS, or an LMS answering
    wrongly. Their stored results are kept either way."""
    quiet = [li for li in line_items if li.pk not in gone and not read.get(li.pk)]
    if not quiet:
        return []
    stored = {
        row["line_item"]: row["n"]
        for row in Result.objects.filter(line_item__in=quiet)
        .values("line_item")
        .annotate(n=Count("pk"))
    }
    return [
        f"“{li}”: the LMS listed no results this time, where earlier syncs read {stored[li.pk]}. "
        "The stored results are kept; check the column in the LMS."
        for li in quiet
        if stored.get(li.pk)
    ]


def _answered_before(course: Course) -> bool:
    return SyncRun.objects.filter(course=course, outcome=SyncRun.Outcome.SUCCEEDED).exists()


def _mark_concluded(course: Course) -> None:
    now = timezone.now()
    Course.objects.filter(pk=course.pk).update(concluded=True, concluded_at=now)
    course.concluded, course.concluded_at = True, now


def _open_roster(course: Course) -> Pages[list[dict]] | None:
    """The roster's listing, its first page asked for now (None: the course has no NRPS)."""
    if not course.memberships_url:
        return None
    nrps = NRPSClient(platform=course.platform, memberships_url=course.memberships_url)
    return nrps.iter_member_pages()


def _store_roster(*, course: Course, run: SyncRun, pages: Pages[list[dict]]) -> None:
    """The roster, page by page; then whoever it no longer lists is made inactive. The
    members seen are kept as 8-byte ids (`array`), not as a set of int objects (about 70
    bytes each), and are let go once the roster is done."""
    seen = array("q")
    for members in pages:
        seen.extend(store_roster_page(course=course, members=members))
        run.pages += 1
        beat(run)
    deactivate_missing(course=course, seen_learner_ids=seen)


def _open_columns(
    *, course: Course, run: SyncRun, roster: Pages[list[dict]] | None
) -> tuple[ResultListings, list[LineItem], list[str]]:
    """List and store the course's columns, and open the listings of the results to read
    (their first pages asked for now). The roster is still being downloaded meanwhile; if
    the columns cannot be listed, the roster is stored first, as when it was read first, and
    the listing's error is raised after it (a roster error comes first)."""
    ags = AGSClient(
        platform=course.platform,
        lineitems_url=course.lineitems_url,
        granted_scopes=list(course.ags_scopes or []),
    )
    run.rate = ags.adapter.rate
    try:
        items, listing_warnings = list_line_items(ags=ags, course=course)
    except ServiceError:
        if roster is not None:
            _store_roster(course=course, run=run, pages=roster)
        raise
    store_line_items(course=course, items=items)
    beat(run)
    to_sync = list(line_items_to_sync(course))
    return ResultListings(ags, to_sync), to_sync, listing_warnings


def sync_course(*, course: Course, trigger: str = "manual") -> SyncRun:
    """Run one sync of `course`; returns its SyncRun (outcome succeeded/failed/concluded)."""
    now = timezone.now()
    run = SyncRun.objects.create(
        course=course, trigger=trigger[:30], started_at=now, heartbeat_at=now
    )
    run.retryable = False  # not stored: tells the task whether to try again later
    run.rate = None  # not stored: what the LMS said of its rate budget (widths, throttling)
    # Whose results changed is asked of the database afterwards: from the first page's time,
    # on the line items where a page wrote something.
    since: datetime | None = None
    written: set[int] = set()
    platform = course.platform
    try:
        # Downloads overlap with storing: the roster's first page and the columns' first
        # result pages are asked for before anything is stored; the roster is stored before
        # the results, as their learners are (`assessments.result_listings`).
        roster = _open_roster(course)
        results: ResultListings | None = None
        try:
            if course.lineitems_url:
                results, to_sync, listing_warnings = _open_columns(
                    course=course, run=run, roster=roster
                )
            if roster is not None:
                _store_roster(course=course, run=run, pages=roster)
            if results is not None:
                read: dict[int, int] = {}
                for line_item, page in results:
                    outcome = store_results_page(
                        line_item=line_item, platform_id=course.platform_id, page=page
                    )
                    stored = outcome.new + outcome.changed + outcome.unchanged
                    read[line_item.pk] = read.get(line_item.pk, 0) + stored
                    run.pages += 1
                    run.new_results += outcome.new
                    run.changed_results += outcome.changed
                    run.unchanged_results += outcome.unchanged
                    if outcome.new or outcome.changed:
                        since = outcome.at if since is None else min(since, outcome.at)
                        written.add(line_item.pk)
                    beat(run)
                run.warnings = listing_warnings + _emptied_columns(to_sync, read, results.gone)
                for warning in run.warnings:
                    log.warning("sync of course %s: %s", course.pk, warning)
        finally:
            if roster is not None:
                roster.close()
            if results is not None:
                results.close()
        run.outcome = SyncRun.Outcome.SUCCEEDED
    except CourseConcluded:
        _mark_concluded(course)
        run.outcome = SyncRun.Outcome.CONCLUDED
        run.error = (
            "The course has concluded in the LMS; Credbridge keeps its evidence and stops syncing."
        )
    except NotFound as exc:
        if get_adapter(platform).not_found_means_concluded(
            end_date=course.end_date, answered_before=_answered_before(course)
        ):
            _mark_concluded(course)
            run.outcome = SyncRun.Outcome.CONCLUDED
            run.error = (
                "The course is closed in the LMS; Credbridge keeps its evidence and stops syncing."
            )
        else:
            run.outcome = SyncRun.Outcome.FAILED
            run.error = (
                "The LMS answered “not found” for one of the course's services; the sync "
                "stopped and nothing was marked deleted."
            )
            run.detail = exc.evidence()
            log.warning("sync of course %s failed: %s", course.pk, run.detail)
    except ServiceError as exc:
        run.outcome = SyncRun.Outcome.FAILED
        run.error = _plain_words(exc)
        run.detail = exc.evidence() if exc.status is not None or exc.excerpt else ""
        run.retryable = isinstance(exc, RETRYABLE)
        log.warning("sync of course %s failed: %s (%s)", course.pk, exc, run.detail)
    except Exception:
        # A bug or a database failure: the run must not stay "running" forever.
        log.exception("sync of course %s crashed", course.pk)
        SyncRun.objects.filter(pk=run.pk).update(
            outcome=SyncRun.Outcome.FAILED,
            finished_at=timezone.now(),
            error="Credbridge failed while storing the sync; the evidence stored before is kept.",
        )
        raise
    run.finished_at = timezone.now()
    run.save()
    record_sync(course=course, run=run, trigger=trigger)
    if since is not None:
        # Asked of the database rather than gathered page by page, so memory stays flat
        # however many learners changed; announced a batch at a time.
        for learner_ids in learners_written_since(line_item_ids=sorted(written), since=since):
            learners_changed.send(sender=SyncRun, course_id=course.pk, learner_ids=learner_ids)
    return run
