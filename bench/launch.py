"""Launch throughput and latency: 20 concurrent full LTI launches, the tool's server-side share
of each, beside the same server's plain /healthz measured in the same run.

    .venv/bin/python bench/launch.py [--launches 200] [--concurrency 20] [--flavour moodle]
                                     [--workers 3] [--threads 1] [--lms-workers 2] [--with-sync]

Two server processes: the tool (production settings, no sandbox; by default the Procfile's
server, three sync gunicorn workers, `--threads 8` for threaded ones) and the sandbox LMS (its own
process, port and database copy), so the LMS's RSA signing and pages are not counted as the
tool's. Both start from one temporary SQLite database, migrated and seeded with
`connect_tool`, copied for the LMS (with DATABASE_URL/REDIS_URL both use those). Each launch
runs over real HTTP the way a browser does: sandbox launch page -> auto-submitted login
initiation -> the tool's OIDC redirect -> sandbox auth -> auto-submitted id_token POST -> the
tool's verified-launch redirect -> the landing page the launch token opens (the client side:
bench/support/launch_client.py). The grade sync a launch starts is off for the bench course
unless --with-sync.

The tool's WSGI application is wrapped (bench/support/server_timing.py) so each answer says
its server-side wall time (`Server-Timing: app;dur=`), the CPU time of the thread that ran it
(`cpu;dur=`) and its query count (queries sent: reads sent together in one round trip count
once, ADR 0083); a launch's tool time, CPU and queries are the sums over the tool's three
answers (login, launch POST, landing page).

The baseline is the same server's /healthz (one database query, a cache PING, a broker PING).
Each launch sends one on its own kept-alive connection right after its landing page (the
paired baseline: the worker that served the launch, at once, under the same concurrent
launches); a probe thread also sends one at a time all through the launch phase, each on a
new connection, and 20 concurrent are measured alone before the launches. The ratios
(medians; ADR 0085 says why the paired baseline is the one compared with):

- `tool_share_vs_health`: the tool's wall server time per launch (three answers) over one
  paired /healthz answer's wall server time.
- `tool_cpu_share_vs_health`: the tool's thread CPU time per launch over one paired /healthz
  answer's thread CPU time: the tool's own work, which waiting for a core, the GIL, the
  database or Redis does not inflate (their processes' work is not in either side).
- `tool_share_vs_health_probes`, `tool_cpu_share_vs_health_probes`: the same against the
  probes beside the launches (the figures called `tool_share_vs_health` and
  `tool_cpu_share_vs_health` before ADR 0085). A probe's new connection goes to whichever
  worker accepts it first, usually an idle one, so probes shared their worker with another
  answer less often than the launch's answers did (`answers_sharing_worker`).
- `tool_share_vs_health_alone`: the tool's wall server time per launch over /healthz's wall
  server time in its own phase (the figure before the probes: the launches ran under the LMS
  and the client, the baseline did not).

`launches_per_s` counts the paired /healthz inside the launch phase (since ADR 0085).

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from support.launch_client import Probes, one_health, one_launch
from support.servers import free_port, server_log, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
SEED = """
import json
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from assessments.models import Course
sp, platform = connect_tool(flavour={flavour!r}, tool_base_url={base!r},
                            sandbox_base_url={lms_base!r}, slug="bench")
course = seed_course(platform=sp, title="Bench course", learners=30)
if not {with_sync!r}:
    # The launch's own cost: no grade sync started by the launch (see --with-sync).
    Course.objects.create(platform=platform, context_id=course.context_id,
                          deployment_id=sp.deployment_id, sync_enabled=False)
link = course.resource_links.first()
users = [e.user_id for e in SandboxEnrolment.objects.filter(course=course, role="learner")]
print("SEED" + json.dumps({{"slug": sp.slug, "course": course.pk, "users": users,
                          "link": link.pk if link else None}}))
"""


def _run(args: list[str], env: dict) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def measure(fn, items: list, concurrency: int) -> tuple[list, float]:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(fn, *zip(*items, strict=True)))
    return results, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ms(values_s: list[float], q: float) -> float:
    return round(pct(values_s, q) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--launches", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--flavour", choices=["moodle", "canvas"], default="moodle")
    # The Procfile's server: WEB_CONCURRENCY (3) sync workers. `--threads 8` measures the
    # threaded server the bench ran before ADR 0085's addendum.
    parser.add_argument("--workers", type=int, default=3, help="the tool's gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per tool worker (1: sync workers)"
    )
    parser.add_argument("--lms-workers", type=int, default=2, help="the sandbox LMS's")
    parser.add_argument(
        "--with-sync",
        action="store_true",
        help="let each launch start the course's grade sync (in-process without REDIS_URL)",
    )
    args = parser.parse_args()

    tool_port, lms_port = free_port(), free_port()
    base = f"http://127.0.0.1:{tool_port}"
    lms_base = f"http://127.0.0.1:{lms_port}"
    with tempfile.TemporaryDirectory(prefix="credbridge-bench-") as tmp:
        tool_dir, lms_dir = Path(tmp) / "tool", Path(tmp) / "lms"
        tool_dir.mkdir()
        common = {
            **os.environ,
            "LTI_ALLOW_HTTP_PLATFORMS": "1",  # the sandbox is served over http
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "ERROR",
        }
        # The tool as production runs it: no sandbox app, no /sandbox/ URLs.
        tool_env = {**common, "PUBLIC_BASE_URL": base, "VAR_DIR": str(tool_dir)}
        tool_env.pop("LMS_SANDBOX", None)
        lms_env = {**common, "LMS_SANDBOX": "1", "PUBLIC_BASE_URL": lms_base, "VAR_DIR": ""}
        # Without DATABASE_URL each server uses the embedded default, SQLite in its VAR_DIR
        # (with the project's SQLite options): seeded once, then copied for the LMS.
        seed_env = {**tool_env, "LMS_SANDBOX": "1"}
        _run([sys.executable, "manage.py", "migrate", "--noinput"], seed_env)
        # DEBUG off: pages name the hashed static files, as after a release's collectstatic.
        _run([sys.executable, "manage.py", "collectstatic", "--noinput"], seed_env)
        out = _run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                SEED.format(
                    flavour=args.flavour, base=base, lms_base=lms_base, with_sync=args.with_sync
                ),
            ],
            seed_env,
        )
        seed = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("SEED")))
        shutil.copytree(tool_dir, lms_dir)
        lms_env["VAR_DIR"] = str(lms_dir)
        lms = start_server(lms_port, lms_env, args.lms_workers, threads=8, timed=False)
        server = None
        try:
            server = start_server(
                tool_port, tool_env, args.workers, threads=args.threads, timed=True
            )
            users = seed["users"]
            link = f"&link={seed['link']}" if seed["link"] else ""
            starts = [
                (
                    f"{lms_base}/sandbox/{seed['slug']}/launch?course={seed['course']}"
                    f"&user={users[i % len(users)]}&role=learner{link}",
                    base,
                )
                for i in range(args.launches)
            ]
            health = [(f"{base}/healthz",)] * args.launches
            measure(one_launch, starts[: args.concurrency], args.concurrency)  # warm up
            measure(one_health, health[: args.concurrency], args.concurrency)
            healths, h_wall = measure(one_health, health, args.concurrency)
            probes = Probes(f"{base}/healthz")
            probes.start()
            try:
                launches, l_wall = measure(one_launch, starts, args.concurrency)
            finally:
                probes.stopped.set()
                probes.join()
            if probes.error is not None or not probes.results:
                raise RuntimeError(f"/healthz probes during the launches: {probes.error}")
        except (RuntimeError, requests.RequestException) as exc:
            sys.exit(
                f"{exc}\n--- tool log ---\n{server_log(tool_env)[-4000:]}"
                f"\n--- LMS log ---\n{server_log(lms_env)[-4000:]}"
            )
        finally:
            if server is not None:
                stop_server(server)
            stop_server(lms)

    h_times = [h[0] for h in healths]
    h_server = [h[1] / 1000 for h in healths]
    l_times = [launch.wall_s for launch in launches]
    tool_s = [launch.tool_ms / 1000 for launch in launches]
    tool_cpu_s = [launch.tool_cpu_ms / 1000 for launch in launches]
    p_server = [p[1] / 1000 for p in probes.results]
    p_cpu = [p[2] / 1000 for p in probes.results]
    paired_server = [launch.health_ms / 1000 for launch in launches]
    paired_cpu = [launch.health_cpu_ms / 1000 for launch in launches]
    queries = sorted({launch.queries for launch in launches})
    result = {
        "bench": "launch",
        "flavour": args.flavour,
        "server": (
            f"gunicorn {args.workers} x {args.threads} thread(s) (tool)"
            f" + gunicorn x{args.lms_workers} (LMS)"
        ),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "cache": "redis" if os.environ.get("REDIS_URL") else "database",
        "concurrency": args.concurrency,
        "sync_on_launch": args.with_sync,
        "launches": args.launches,
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "launches_per_s": round(args.launches / l_wall, 1),
        "launch_p50_ms": ms(l_times, 0.5),
        "launch_p95_ms": ms(l_times, 0.95),
        "launch_p99_ms": ms(l_times, 0.99),
        "tool_server_p50_ms": ms(tool_s, 0.5),
        "tool_server_p95_ms": ms(tool_s, 0.95),
        "tool_server_p99_ms": ms(tool_s, 0.99),
        "tool_cpu_p50_ms": ms(tool_cpu_s, 0.5),
        "tool_cpu_p95_ms": ms(tool_cpu_s, 0.95),
        "tool_answers_per_launch": launches[0].tool_answers,
        # Every launch takes the same path: one figure unless a launch went another way.
        "queries_per_launch": queries[0] if len(queries) == 1 else queries,
        "health_per_s": round(args.launches / h_wall, 1),
        "health_p50_ms": ms(h_times, 0.5),
        "health_p95_ms": ms(h_times, 0.95),
        "health_server_p50_ms": ms(h_server, 0.5),
        "health_probes": len(probes.results),
        "health_probe_server_p50_ms": ms(p_server, 0.5),
        "health_probe_cpu_p50_ms": round(statistics.median(p_cpu) * 1000, 2),
        "health_paired_server_p50_ms": ms(paired_server, 0.5),
        "health_paired_cpu_p50_ms": round(statistics.median(paired_cpu) * 1000, 2),
        # Share of answers that started while their worker was running another (threads of
        # one process share its GIL): the launches', the paired /healthz', the probes'.
        "answers_sharing_worker": {
            "launch": round(
                sum(la.busy_answers for la in launches) / sum(la.tool_answers for la in launches),
                2,
            ),
            "health_paired": round(sum(la.health_busy > 0 for la in launches) / len(launches), 2),
            "health_probes": round(sum(p[3] > 0 for p in probes.results) / len(probes.results), 2),
        },
    }
    # The tool's server-side time per launch (three answers) over one /healthz answer's: wall
    # and CPU against the paired /healthz, then against the probes beside the launches, and
    # wall against /healthz alone (the figure before the probes). See the docstring.
    result["tool_share_vs_health"] = round(
        statistics.median(tool_s) / statistics.median(paired_server), 1
    )
    result["tool_cpu_share_vs_health"] = round(
        statistics.median(tool_cpu_s) / statistics.median(paired_cpu), 1
    )
    result["tool_share_vs_health_probes"] = round(
        statistics.median(tool_s) / statistics.median(p_server), 1
    )
    result["tool_cpu_share_vs_health_probes"] = round(
        statistics.median(tool_cpu_s) / statistics.median(p_cpu), 1
    )
    result["tool_share_vs_health_alone"] = round(
        statistics.median(tool_s) / statistics.median(h_server), 1
    )
    result["ratio_vs_health"] = round(result["launch_p50_ms"] / result["health_p50_ms"], 1)
    print(
        f"{args.launches} launches ({args.flavour}, {args.concurrency} concurrent): "
        f"{result['launches_per_s']}/s, wall p50/p95/p99 {result['launch_p50_ms']}/"
        f"{result['launch_p95_ms']}/{result['launch_p99_ms']} ms; the tool's server time "
        f"p50/p95/p99 {result['tool_server_p50_ms']}/{result['tool_server_p95_ms']}/"
        f"{result['tool_server_p99_ms']} ms (CPU p50 {result['tool_cpu_p50_ms']} ms), "
        f"{result['queries_per_launch']} queries"
    )
    print(
        f"/healthz alone: {result['health_per_s']}/s, p50 {result['health_p50_ms']} ms "
        f"(server {result['health_server_p50_ms']} ms); after each launch: server p50 "
        f"{result['health_paired_server_p50_ms']} ms, CPU p50 "
        f"{result['health_paired_cpu_p50_ms']} ms; beside the launches "
        f"({result['health_probes']} probes): server p50 "
        f"{result['health_probe_server_p50_ms']} ms, CPU p50 "
        f"{result['health_probe_cpu_p50_ms']} ms"
    )
    print(
        f"tool share per launch: {result['tool_share_vs_health']}x a /healthz (wall, paired), "
        f"{result['tool_cpu_share_vs_health']}x (CPU, paired); against the probes "
        f"{result['tool_share_vs_health_probes']}x (wall), "
        f"{result['tool_cpu_share_vs_health_probes']}x (CPU); "
        f"{result['tool_share_vs_health_alone']}x (wall, /healthz alone); answers sharing "
        f"their worker {result['answers_sharing_worker']}; load average {result['loadavg_1m']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
