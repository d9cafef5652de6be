"""Grade → credential throughput and latency, end to end, with real services.

    DATABASE_URL=postgres://… REDIS_URL=redis://…/<db> LMS_SANDBOX=1 .venv/bin/python bench/award.py

1,000 learners of a course pass at once (grades entered in the sandbox LMS): the time from
queueing the course's sync until all 1,000 credentials are issued, verified and stored — with
one Celery worker process, then (another course) with two; the sync runs in a worker, as in
production (its task queues the evaluations; ADR 0099) — beside the time of the sync alone,
and the rate over the steady-state issuing window (first batch committed to last: the sync,
the evaluation and each worker's first-batch warm-up left out; both figures are printed);
then the latency from a grade entered in the LMS to the credential when that learner launches
the tool; and, in-process, compose + sign + verify of the same credentials in three bursts
spread over the run, the yardstick of `overhead_vs_issue`. Runs in a fresh test database
(created and dropped here) and needs a dedicated Redis database (its keys are cleared). The
tool's pages and the sandbox LMS are served by their own gunicorn server (the LMS is another
machine in production; ADR 0089), whose CPU is reported beside the workers', the database's,
Redis's and this process's. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from support.servers import free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _skip(reason: str) -> None:
    print(f"bench/award.py skipped: {reason}")
    print(json.dumps({"skipped": reason}))
    sys.exit(0)


if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    _skip("needs PostgreSQL (DATABASE_URL)")
if not os.environ.get("REDIS_URL"):
    _skip("needs Redis (REDIS_URL)")
PORT = free_port()
# The yardstick is timed in three bursts of this many credentials (about 0.3 s each), after
# each half and after the latency run, and the median of all taken: this machine's speed moves by
# half from one second to the next (a pure-Python loop: 100-204 ms), and one burst of 40 at
# the end of the run read 1.09-2.46 ms a credential on the same code.
YARDSTICK_SAMPLE = 200
BASE = f"http://127.0.0.1:{PORT}"
os.environ["PUBLIC_BASE_URL"] = BASE
os.environ["LMS_SANDBOX"] = "1"
os.environ["LTI_ALLOW_HTTP_PLATFORMS"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from support.celery_workers import (  # noqa: E402
    start_workers,
    stop_workers,
    worker_env,
)
from support.in_process_issue import in_process_issue_times  # noqa: E402
from support.process_cpu import BackendCpu, redis_cpu_s, tree_cpu_s  # noqa: E402


def clear_queue() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    cache.clear()


def grade_everyone(*, sandbox_course, users, fraction: float = 0.9) -> None:
    """The teacher's gradebook: every learner above every threshold, in one go."""
    from demo import steps as demo
    from lms_sandbox.models import SandboxLineItem, SandboxResult

    now = timezone.now()
    rows = []
    for key, _title, points, _threshold, _code in demo.CRITERIA:
        item = SandboxLineItem.objects.get(course=sandbox_course, tag=f"credbridge:criterion:{key}")
        rows += [
            SandboxResult(
                line_item=item,
                user=u,
                score_given=round(points * fraction, 2),
                score_maximum=points,
                activity_progress="Completed",
                grading_progress="FullyGraded",
                teacher_override=True,
                updated_at=now,
            )
            for u in users
        ]
    SandboxResult.objects.bulk_create(rows, batch_size=1000)


def prepare_course(*, sandbox_platform, platform, qa, title: str, learners: int):
    from demo import steps as demo
    from lms_sandbox.seed import seed_course

    sandbox_course = seed_course(platform=sandbox_platform, title=title, learners=learners)
    teacher = demo.people(sandbox_course, "instructor")[0]
    demo.launch(sandbox_course=sandbox_course, user=teacher, role="instructor")
    course = demo.tool_course(platform=platform, sandbox_course=sandbox_course)
    rule = demo.set_up_credential(
        course=course,
        instructor=demo.instructor_actor(course=course, sub=teacher.sub, name=teacher.name),
        qa=qa,
        name=f"{demo.ACHIEVEMENT_NAME} ({title})",
        gradebook_column=True,  # the post-back is part of what is measured
    )
    return sandbox_course, course, rule


def wait_until(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic()
        time.sleep(0.05)
    raise SystemExit("timed out")


def issuing_window(issued) -> tuple[float, int]:
    """The steady-state issuing window: from the commit of the first batch to that of the last
    (`Award.issued_at`, one value per batch), and the credentials committed after the first.

    Leaves out what one worker or two pay once per half: the sync, the evaluation tasks
    ahead of the issuing ones in the queue, and the first batch's imports and caches."""
    from django.db.models import Max, Min

    span = issued.aggregate(first=Min("issued_at"), last=Max("issued_at"))
    after_first = issued.filter(issued_at__gt=span["first"]).count()
    return (span["last"] - span["first"]).total_seconds(), after_first


def throughput_run(
    *, course, rule, expected: int, workers: int, env: dict, server: subprocess.Popen
) -> dict:
    from assessments.models import SyncRun
    from assessments.tasks import request_sync
    from awarding.models import Award

    clear_queue()
    procs = start_workers(workers, env)
    try:
        cpu0, load0 = tree_cpu_s(procs), os.getloadavg()[0]
        server0 = tree_cpu_s([server])
        own0, redis0 = time.process_time(), redis_cpu_s()
        with BackendCpu(connection.settings_dict["NAME"]) as db_cpu:
            t0 = time.monotonic()
            # The sync runs where production runs it: a worker's sync task (ADR 0099), which
            # queues the evaluations when it ends.
            assert request_sync(course_id=course.pk, trigger="bench"), "sync not queued"
            issued = Award.objects.filter(
                rule=rule, state=Award.State.ISSUED, credential__isnull=False
            )
            t1 = wait_until(lambda: issued.count() >= expected, timeout=1800)
            cpu1, load1 = tree_cpu_s(procs), os.getloadavg()[0]
            server1 = tree_cpu_s([server])
            own1, redis1 = time.process_time(), redis_cpu_s()
        run = SyncRun.objects.get(course=course, trigger="bench")
        assert run.outcome == "succeeded", run.error
        sync_s = (run.finished_at - run.started_at).total_seconds()
        posted = Award.objects.filter(rule=rule, postback_state=Award.PostbackState.POSTED)
        t2 = wait_until(lambda: posted.count() >= expected, timeout=1800)
    finally:
        stop_workers(procs)
    total = t1 - t0
    window_s, after_first = issuing_window(issued)
    return {
        "workers": workers,
        "credentials": issued.count(),
        "sync_s": round(sync_s, 3),
        "to_all_credentials_s": round(total, 3),
        "credentials_per_s": round(expected / total, 1),
        "issuing_window_s": round(window_s, 3),
        "steady_credentials_per_s": round(after_first / window_s, 1),
        "to_all_postbacks_s": round(t2 - t0, 3),
        # The workers' own CPU per credential until all were issued (the sync's and the
        # post-backs still running count too): flat from one worker to two means no
        # contention in the code, whatever the wall time says on a machine whose cores are
        # shared.
        "worker_cpu_ms_per_credential": round((cpu1 - cpu0) * 1000 / expected, 1),
        # Until all were issued, outside the workers (support/process_cpu.py): the bench
        # database's PostgreSQL backends, this process (the polling), the server
        # (the sandbox LMS's pages and token answers, the post-backs received) and the whole
        # Redis server.
        "db_cpu_ms_per_credential": round(db_cpu.seconds() * 1000 / expected, 2),
        "bench_process_cpu_ms_per_credential": round((own1 - own0) * 1000 / expected, 2),
        "server_cpu_ms_per_credential": round((server1 - server0) * 1000 / expected, 2),
        "redis_cpu_ms_per_credential": round((redis1 - redis0) * 1000 / expected, 2),
        "loadavg_1m": round((load0 + load1) / 2, 1),
    }


def grade_to_credential(*, sandbox_platform, platform, qa, env: dict) -> float:
    """A learner graded in the LMS opens the tool: seconds until their credential exists."""
    from assessments.sync import sync_course
    from awarding.models import Award
    from demo import steps as demo

    sandbox_course, course, rule = prepare_course(
        sandbox_platform=sandbox_platform, platform=platform, qa=qa, title="Latency", learners=3
    )
    learner = demo.people(sandbox_course, "learner")[0]
    for key, _title, points, _threshold, _code in demo.CRITERIA[:-1]:
        demo.grade_in_sandbox(
            sandbox_course=sandbox_course,
            user=learner,
            tag=f"credbridge:criterion:{key}",
            score=points,
        )
    sync_course(course=course, trigger="bench")  # everything but the last grade is known
    clear_queue()
    procs = start_workers(2, env)
    try:
        key, _title, points, _threshold, _code = demo.CRITERIA[-1]
        t0 = time.monotonic()
        demo.grade_in_sandbox(
            sandbox_course=sandbox_course,
            user=learner,
            tag=f"credbridge:criterion:{key}",
            score=points,
        )
        demo.launch(sandbox_course=sandbox_course, user=learner, role="learner")
        awards = Award.objects.filter(rule=rule, learner__sub=learner.sub, state=Award.State.ISSUED)
        t1 = wait_until(awards.exists, timeout=120)
    finally:
        stop_workers(procs)
    return t1 - t0


def _drop_test_db(old_name: str, db_name: str) -> None:
    """Drop the bench database; a server or worker that did not stop may still hold
    connections to it."""
    from django.db import connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [db_name],
        )
    connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    args = parser.parse_args()
    from demo import steps as demo

    old_name = connection.settings_dict["NAME"]
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    env = worker_env(db_name, public_base_url=BASE)
    # DEBUG off: the sandbox's pages name the hashed static files, as after a release's
    # collectstatic (bench/launch.py does the same).
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    # The tool and the sandbox LMS in their own gunicorn server (2 workers x 4 threads), as
    # bench/sync.py and bench/launch.py serve them: not in threads of this process, where the
    # LMS's pages and the post-backs shared the sync's GIL (ADR 0089).
    env["VAR_DIR"] = str(settings.VAR_DIR)  # the same static files and keys as this process
    server = None
    try:
        server = start_server(PORT, env, 2, threads=4, timed=False)
        sandbox_platform, platform = demo.register(base_url=BASE, slug="bench")
        qa_user, _ = demo.ensure_qa_user(platform=platform, username="bench-qa")
        qa = demo.actor_for_qa(qa_user)
        t = time.monotonic()
        prepared = []
        for title in ("Throughput one worker", "Throughput two workers"):
            sandbox_course, course, rule = prepare_course(
                sandbox_platform=sandbox_platform,
                platform=platform,
                qa=qa,
                title=title,
                learners=args.learners,
            )
            grade_everyone(
                sandbox_course=sandbox_course, users=demo.people(sandbox_course, "learner")
            )
            prepared.append((course, rule))
        print(f"setup: 2 courses x {args.learners} learners in {time.monotonic() - t:.1f} s")
        halves, yardstick = [], []
        for workers, (course, rule) in enumerate(prepared, start=1):
            halves.append(
                throughput_run(
                    course=course,
                    rule=rule,
                    expected=args.learners,
                    workers=workers,
                    env=env,
                    server=server,
                )
            )
            yardstick.append(in_process_issue_times(rule=rule, sample=YARDSTICK_SAMPLE))
        one, two = halves
        print("one worker: ", json.dumps(one))
        print("two workers:", json.dumps(two))
        latency = grade_to_credential(
            sandbox_platform=sandbox_platform, platform=platform, qa=qa, env=env
        )
        print(f"grade to credential on launch: {latency:.2f} s")
        yardstick.append(in_process_issue_times(rule=prepared[0][1], sample=YARDSTICK_SAMPLE))
        bursts_ms = [round(statistics.median(times) * 1000, 3) for times in yardstick]
        issue_s = statistics.median(t for times in yardstick for t in times)
        print(f"in-process compose + sign + verify: {issue_s * 1000:.2f} ms (bursts {bursts_ms})")
    finally:
        if server is not None:
            stop_server(server)
        _drop_test_db(old_name, db_name)
    print(
        json.dumps(
            {
                "learners": args.learners,
                "credentials_per_s": two["credentials_per_s"],
                "credentials_per_s_one_worker": one["credentials_per_s"],
                "grade_to_credential_s": round(latency, 2),
                # End-to-end seconds per credential per worker over the in-process compose +
                # sign + verify of the same credentials, measured in this run: the median of
                # three bursts of YARDSTICK_SAMPLE, each burst's median beside it.
                "overhead_vs_issue": round(1 / one["credentials_per_s"] / issue_s, 2),
                "overhead_vs_issue_two_workers": round(2 / two["credentials_per_s"] / issue_s, 2),
                "in_process_issue_ms": round(issue_s * 1000, 3),
                "in_process_issue_ms_bursts": bursts_ms,
                "two_workers_vs_one": round(two["credentials_per_s"] / one["credentials_per_s"], 2),
                # The same over the steady-state issuing window only (`issuing_window`): the
                # sync, the evaluation and the first batch's warm-up left out.
                "steady_credentials_per_s": two["steady_credentials_per_s"],
                "steady_credentials_per_s_one_worker": one["steady_credentials_per_s"],
                "two_workers_vs_one_steady": round(
                    two["steady_credentials_per_s"] / one["steady_credentials_per_s"], 2
                ),
                "worker_cpu_ms_per_credential": one["worker_cpu_ms_per_credential"],
                "worker_cpu_ms_per_credential_two_workers": two["worker_cpu_ms_per_credential"],
                "db_cpu_ms_per_credential": one["db_cpu_ms_per_credential"],
                "db_cpu_ms_per_credential_two_workers": two["db_cpu_ms_per_credential"],
                "bench_process_cpu_ms_per_credential": one["bench_process_cpu_ms_per_credential"],
                "bench_process_cpu_ms_per_credential_two_workers": two[
                    "bench_process_cpu_ms_per_credential"
                ],
                "server_cpu_ms_per_credential": one["server_cpu_ms_per_credential"],
                "server_cpu_ms_per_credential_two_workers": two["server_cpu_ms_per_credential"],
                "redis_cpu_ms_per_credential": one["redis_cpu_ms_per_credential"],
                "redis_cpu_ms_per_credential_two_workers": two["redis_cpu_ms_per_credential"],
                "loadavg_1m": [one["loadavg_1m"], two["loadavg_1m"]],
                "sync_only_s": two["sync_s"],
                "sync_only_s_one_worker_run": one["sync_s"],
                "to_all_credentials_s": two["to_all_credentials_s"],
                "to_all_postbacks_s": two["to_all_postbacks_s"],
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
