"""Sync throughput against the sandbox LMS over real HTTP, beside a bare download of the same pages.

    .venv/bin/python bench/sync.py [--learners 10000] [--items 10] [--flavour moodle]

Seeds the sandbox with a course of N learners x M line items (results for every pair), starts
the tool + sandbox under gunicorn (PostgreSQL when DATABASE_URL is set, SQLite otherwise),
then in this process: downloads every page with no processing (the baseline), runs a full
sync, changes 1% of the results in the LMS and syncs again (its time is compared with the
full sync's and with the bare download, which bounds it from below: AGS cannot list only
what changed). With `--flavour canvas` the sandbox throttles as Canvas does (a leaky bucket
per worker process) and the line adds `canvas_width_max`. Peak RSS and CPU time are measured
in this (the syncing) process (`--trace-memory` adds the Python heap's peak, from tracemalloc,
over a third course's first sync); the load average is printed because wall times on a shared
machine move with it. The last line is one JSON object (with `throttled_responses`).

By default (`--cores split`, two CPUs or more) the LMS side (the server and its database
backends) and the tool side (this process and its backends) run on separate halves of the
CPUs, as the LMS and the tool run on separate machines: the ratio then tells whether the tool
keeps pace with the LMS, not how much CPU both need together (ADR 0087). The same run then
syncs a second, identical course with every process on every CPU, and the line adds that
ratio too (`shared_cpus_ratio_vs_download`). `--cores shared` runs only the latter way.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support.cpu_split import LMS_APP, TOOL_APP, CpuSplit
from support.servers import free_port, gunicorn_argv
from support.sync_meters import OtherCPU, PeakRSS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(sp, *, learners: int, items: int):
    """The course through the sandbox's own large-course seeder when it has one."""
    from lms_sandbox import seed as sandbox_seed

    if hasattr(sandbox_seed, "seed_large_course"):
        return sandbox_seed.seed_large_course(
            platform=sp, title="Bench course", learners=learners, line_items=items
        )
    return _bulk_seed(sp, learners=learners, items=items)


def _bulk_seed(sp, *, learners: int, items: int):
    """Fallback: the same rows written in bulk (a course, users, enrolments, grades)."""
    from django.utils import timezone

    from lms_sandbox.models import (
        SandboxEnrolment,
        SandboxLineItem,
        SandboxResult,
        SandboxUser,
    )
    from lms_sandbox.seed import seed_course

    course = seed_course(platform=sp, title="Bench course", learners=0, activity=False)
    base = 100000 + SandboxUser.objects.filter(platform=sp).count()
    users = SandboxUser.objects.bulk_create(
        [
            SandboxUser(
                platform=sp,
                sub=str(base + i),
                username=f"bench{i}",
                name=f"Learner {i}",
                given_name="Learner",
                family_name=str(i),
                email=f"bench{i}@example.edu",
                sourcedid=f"B{i}",
            )
            for i in range(learners)
        ],
        batch_size=2000,
    )
    users = list(SandboxUser.objects.filter(platform=sp, username__startswith="bench"))
    SandboxEnrolment.objects.bulk_create(
        [SandboxEnrolment(course=course, user=u, role="learner") for u in users], batch_size=2000
    )
    now = timezone.now()
    for n in range(items):
        li = SandboxLineItem.objects.create(
            course=course, label=f"Criterion {n}", score_maximum=10, tag=f"bench:{n}"
        )
        SandboxResult.objects.bulk_create(
            [
                SandboxResult(
                    line_item=li,
                    user=u,
                    score_given=float(random.randint(0, 10)),
                    score_maximum=10,
                    activity_progress="Completed",
                    grading_progress="FullyGraded",
                    score_timestamp=now,
                    updated_at=now,
                )
                for u in users
            ],
            batch_size=2000,
        )
    return course


def change_fraction(course, fraction: float) -> int:
    from django.utils import timezone

    from lms_sandbox.models import SandboxResult

    ids = list(SandboxResult.objects.filter(line_item__course=course).values_list("pk", flat=True))
    chosen = random.sample(ids, max(1, int(len(ids) * fraction)))
    now = timezone.now()
    for start in range(0, len(chosen), 1000):
        SandboxResult.objects.filter(pk__in=chosen[start : start + 1000]).update(
            score_given=10.5, score_timestamp=now, updated_at=now, score_maximum=11
        )
    return len(chosen)


def bare_download(course) -> tuple[float, int, int]:
    """Every page the sync reads, fetched with the same token, paging and parallelism, not
    processed: the roster's and the line items' pages one after another, then the columns'
    results as many listings at once as the sync goes (the adapter's `sync_width`), each
    listing's pages one after another (the sync has one request in flight per listing)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.conf import settings

    from lti_tool.outbound import fetch
    from lti_tool.platforms import get_adapter
    from lti_tool.service_hosts import registration_policy
    from lti_tool.services import scopes
    from lti_tool.services.links import parse_link_header
    from lti_tool.services.tokens import get_access_token

    platform = course.platform
    adapter = get_adapter(platform)
    # The same bounded path the sync's calls take (lti_tool.outbound), without processing.
    policy = registration_policy(platform)._asdict()

    def pages(url: str, token: str, accept: str) -> tuple[int, int, list[bytes]]:
        count = size = 0
        bodies = []
        while url:
            headers = {"Authorization": f"Bearer {token}", "Accept": adapter.accept(accept)}
            r = fetch("GET", url, headers=headers, **policy)
            r.raise_for_status()
            count += 1
            size += len(r.content)
            bodies.append(r.content) if accept.endswith("lineitemcontainer+json") else None
            nxt = parse_link_header(r.headers.get("Link")).get("next")
            url = adapter.clean_link_url(nxt) if nxt else ""
        return count, size, bodies

    from lti_tool.platforms import base as media

    def token(scope: str) -> str:
        return get_access_token(platform=platform, scopes=[scope])

    start = time.perf_counter()
    n_pages = total = 0
    c, s, _ = pages(
        adapter.roster_listing_url(course.memberships_url),
        token(scopes.MEMBERSHIP_READONLY),
        media.MEDIA_MEMBERSHIP_CONTAINER,
    )
    n_pages, total = n_pages + c, total + s
    c, s, bodies = pages(
        adapter.line_items_listing_url(course.lineitems_url),
        token(scopes.LINEITEM_READONLY),
        media.MEDIA_LINEITEM_CONTAINER,
    )
    n_pages, total = n_pages + c, total + s
    item_urls = [item["id"] for body in bodies for item in json.loads(body)]
    results_token = token(scopes.RESULT_READONLY)
    width = adapter.sync_width(configured=max(1, int(settings.SYNC_PARALLEL_LINE_ITEMS)))
    with ThreadPoolExecutor(max_workers=width) as pool:
        listings = pool.map(
            lambda url: pages(
                adapter.results_listing_url(adapter.sub_url(url, "results")),
                results_token,
                media.MEDIA_RESULT_CONTAINER,
            ),
            item_urls,
        )
        for c, s, _ in listings:
            n_pages, total = n_pages + c, total + s
    return time.perf_counter() - start, n_pages, total


def traced_sync(course) -> int:
    """The Python heap's peak over its size at the start of a first sync of `course`, in
    bytes (tracemalloc: every thread's allocations, not the allocator's free space that RSS
    also counts, so it answers whether the sync's memory grows with the course)."""
    import tracemalloc

    from assessments.sync import sync_course

    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        outcome = sync_course(course=course, trigger="bench")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert outcome.outcome == "succeeded", outcome.error
    print(f"traced sync: peak {(peak - start) / 2**20:.2f} MB over its start", flush=True)
    return peak - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=10000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--flavour", default="moodle", choices=["moodle", "canvas"])
    parser.add_argument(
        "--cores",
        default="split" if len(os.sched_getaffinity(0)) >= 2 else "shared",
        choices=["split", "shared"],
        help="split: the LMS and the tool each on half of the CPUs (support/cpu_split.py)",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="also sync a third course under tracemalloc (slow, untimed): sync_traced_peak_mb",
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="credbridge-bench-sync-")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LMS_SANDBOX": "1",
        "LTI_ALLOW_HTTP_PLATFORMS": "1",  # the sandbox is served over http
        "PUBLIC_BASE_URL": base_url,
        "LOG_LEVEL": "WARNING",
    }
    if not os.environ.get("DATABASE_URL"):
        env["VAR_DIR"] = workdir  # SQLite file shared by this process and the server
    split = CpuSplit(os.environ.get("DATABASE_URL")) if args.cores == "split" else None
    os.environ.update(env, PGAPPNAME=TOOL_APP)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # gunicorn, as in production: Django's runserver adds about 40 ms to each request on a
    # kept-alive connection, which on Canvas's 50-result pages was most of the download.
    server = subprocess.Popen(
        gunicorn_argv(port=port, workers=2, threads=4),
        cwd=ROOT,
        env={**env, "PGAPPNAME": LMS_APP},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=split.server_preexec() if split else None,  # noqa: PLW1509 - affinity only
    )
    if split:
        split.start()
    try:
        import requests

        for _ in range(200):
            try:
                if requests.get(base_url + "/healthz", timeout=1).status_code < 500:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        from assessments.models import Course, ResultRevision
        from assessments.sync import sync_course
        from lms_sandbox.flavours import get_flavour
        from lms_sandbox.seed import connect_tool

        sp, platform = connect_tool(
            flavour=args.flavour, tool_base_url=base_url, slug=f"bench-{port}"
        )
        flavour = get_flavour(args.flavour)

        def course_of(sb_course) -> Course:
            return Course.objects.create(
                platform=platform,
                context_id=sb_course.context_id,
                title="Bench course",
                lineitems_url=flavour.lineitems_url(sb_course),
                memberships_url=flavour.memberships_url(sb_course),
            )

        t0 = time.perf_counter()
        sb_course = seed(sp, learners=args.learners, items=args.items)
        seed_s = time.perf_counter() - t0
        course = course_of(sb_course)
        # The same course again, for the full sync on shared CPUs after the split run.
        shared_course = None
        if split:
            shared_course = course_of(seed(sp, learners=args.learners, items=args.items))
        results = args.learners * args.items
        print(f"db={connection.vendor} seeded {results} results in {seed_s:.1f}s", flush=True)

        other = OtherCPU(server.pid)
        s0, b0 = other.read_by_app()
        download_s, pages, size = bare_download(course)
        s1, b1 = other.read_by_app()
        download_server_cpu_s = s1 - s0
        # The LMS side's whole CPU for the download: its server and its backends (split: on
        # its own CPUs, where about one CPU-second a second means the LMS set the pace).
        download_lms_cpu_s = download_server_cpu_s + b1.get(LMS_APP, 0) - b0.get(LMS_APP, 0)
        print(f"bare download: {download_s:.2f}s, {pages} pages, {size / 1e6:.1f} MB", flush=True)

        with PeakRSS() as rss:
            (s0, d0), t0, c0 = other.read_by_app(), time.perf_counter(), time.process_time()
            full = sync_course(course=course, trigger="bench")
            full_s, full_cpu_s = time.perf_counter() - t0, time.process_time() - c0
            s1, d1 = other.read_by_app()
            assert full.outcome == "succeeded", full.error
            print(f"full sync: {full_s:.2f}s new={full.new_results} pages={full.pages}", flush=True)
            changed = change_fraction(sb_course, 0.01)
            revisions_before = ResultRevision.objects.count()
            t0, c0 = time.perf_counter(), time.process_time()
            again = sync_course(course=course, trigger="bench")
            resync_s, resync_cpu_s = time.perf_counter() - t0, time.process_time() - c0
            assert again.outcome == "succeeded", again.error
            resync_rows_written = ResultRevision.objects.count() - revisions_before
            print(
                f"re-sync after {changed} changes: {resync_s:.2f}s "
                f"changed={again.changed_results} unchanged={again.unchanged_results}",
                flush=True,
            )
        # A second download right after, so both sides of the ratio see a warm server.
        download2_s, _, _ = bare_download(course)
        download_s = min(download_s, download2_s)
        shared: dict = {}
        if split and shared_course is not None:
            # The figure the split is compared with, in the same run: the LMS, the tool and
            # the database on every CPU, as this bench ran before (a fresh course: a first sync).
            split.stop(server_pid=server.pid)
            shared["split_backends_pinned"] = split.backends_pinned
            shared_download_s = bare_download(shared_course)[0]
            t0 = time.perf_counter()
            outcome = sync_course(course=shared_course, trigger="bench")
            shared_full_s = time.perf_counter() - t0
            assert outcome.outcome == "succeeded", outcome.error
            shared_download_s = min(shared_download_s, bare_download(shared_course)[0])
            print(f"shared CPUs: full sync {shared_full_s:.2f}s, download {shared_download_s:.2f}s")
            shared |= {
                "shared_cpus_full_sync_s": round(shared_full_s, 3),
                "shared_cpus_download_s": round(shared_download_s, 3),
                "shared_cpus_ratio_vs_download": round(shared_full_s / shared_download_s, 3),
            }
        if args.trace_memory:
            traced = traced_sync(course_of(seed(sp, learners=args.learners, items=args.items)))
            shared["sync_traced_peak_mb"] = round(traced / 2**20, 2)
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "flavour": args.flavour,
                    # split: the LMS and the tool on separate CPUs (support/cpu_split.py).
                    "cpus": args.cores,
                    "results": results,
                    "results_per_s": round(results / full_s, 1),
                    "full_sync_s": round(full_s, 3),
                    "resync_s": round(resync_s, 3),
                    "resync_fraction_of_full": round(resync_s / full_s, 3),
                    # AGS has no "changed since" filter: a re-sync downloads every page again,
                    # so the download is its floor; this is what it costs beyond that.
                    "resync_vs_download": round(resync_s / download_s, 3),
                    "resync_cpu_fraction_of_full": round(resync_cpu_s / full_cpu_s, 3),
                    "resync_revisions_written": resync_rows_written,
                    "download_s": round(download_s, 3),
                    "ratio_vs_download": round(full_s / download_s, 3),
                    "peak_rss_mb": round(rss.peak / 2**20, 1),
                    "rss_at_sync_start_mb": round(rss.start / 2**20, 1),
                    # CPU seconds of the syncing process: our own cost, whatever the load.
                    "full_sync_cpu_s": round(full_cpu_s, 3),
                    "resync_cpu_s": round(resync_cpu_s, 3),
                    # The server's CPU for the pages (LMS side) in the download and in the
                    # full sync, and the database's for the full sync (its backends' CPU).
                    "download_server_cpu_s": round(download_server_cpu_s, 3),
                    "download_lms_cpu_s": round(download_lms_cpu_s, 3),
                    "full_sync_server_cpu_s": round(s1 - s0, 3),
                    "full_sync_db_cpu_s": round(sum(d1.values()) - sum(d0.values()), 3),
                    # Of which the tool's own backends (its reads and writes; the rest is
                    # the LMS reading its pages).
                    "full_sync_tool_db_cpu_s": round(d1.get(TOOL_APP, 0) - d0.get(TOOL_APP, 0), 3),
                    "load_avg_1m": round(os.getloadavg()[0], 2),
                    "pages": full.pages,
                    # Refused by the LMS's rate limit and retried, both syncs (Canvas's
                    # bucket in the sandbox; none is the aim).
                    **shared,
                    "throttled_responses": sum(r.rate.throttled for r in (full, again) if r.rate),
                    # The widest the sync went on Canvas's rate budget.
                    **(
                        {"canvas_width_max": max(r.rate.widest for r in (full, again) if r.rate)}
                        if args.flavour == "canvas"
                        else {}
                    ),
                }
            )
        )
    finally:
        if split:
            split.stop(server_pid=server.pid)
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
