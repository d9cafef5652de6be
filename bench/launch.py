"""Launch throughput and latency: 20 concurrent full LTI launches against a running server,
beside the same server's plain /healthz measured in the same run.

    .venv/bin/python bench/launch.py [--launches 200] [--concurrency 20] [--flavour moodle]
                                     [--server gunicorn|runserver] [--workers 4]

Starts the tool + sandbox LMS in a server process of its own (a temporary SQLite database,
migrated and seeded with `connect_tool`; PostgreSQL/Redis when DATABASE_URL/REDIS_URL are
set), then drives each launch over real HTTP the way a browser does: sandbox launch page ->
auto-submitted login initiation -> the tool's OIDC redirect -> sandbox auth -> auto-submitted
id_token POST -> the tool's verified-launch redirect (with its launch token). The landing
page after that belongs to another app and is not timed, and the grade sync a launch
starts is off for the bench course unless --with-sync. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import requests
from support.servers import free_port, gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent
SEED = """
import json
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from assessments.models import Course
sp, platform = connect_tool(flavour={flavour!r}, tool_base_url={base!r}, slug="bench")
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


def start_server(kind: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    if kind == "gunicorn":
        cmd = gunicorn_argv(port=port, workers=workers, threads=8)
    else:
        cmd = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = open(Path(env["VAR_DIR"]) / "server.log", "wb")  # noqa: SIM115 - lives with the server
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("server exited at start:\n" + server_log(env)[-3000:])
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    sys.exit("server did not answer /healthz within 60 s")


def server_log(env: dict) -> str:
    return (Path(env["VAR_DIR"]) / "server.log").read_text(errors="replace")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)  # gunicorn: quick shutdown; runserver: stop
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _form(response: requests.Response):
    if "html" not in response.headers.get("Content-Type", "") or not response.content:
        return None
    forms = lxml.html.fromstring(response.content).forms
    return forms[0] if forms else None


def one_launch(start_url: str) -> float:
    """Drive one launch; returns its wall time in seconds (raises if it is not verified)."""
    try:
        return _one_launch(start_url)
    except requests.RequestException as exc:
        where = exc.request.url if exc.request else "?"
        raise RuntimeError(f"launch failed at {where}: {exc}") from exc


def _one_launch(start_url: str) -> float:
    session = requests.Session()
    t0 = time.perf_counter()
    response = session.get(start_url, allow_redirects=False, timeout=30)
    for _ in range(10):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if "lt=" in location and urlsplit(response.url).path == "/lti/launch/":
                return time.perf_counter() - t0
            response = session.get(location, allow_redirects=False, timeout=30)
            continue
        form = _form(response)
        if form is None:
            refusal = response.headers.get("X-LTI-Refusal", "")
            raise RuntimeError(
                f"launch stopped at {response.url}: HTTP {response.status_code} {refusal}"
            )
        action = urljoin(response.url, form.get("action") or response.url)
        data = [(i.get("name"), i.value or "") for i in form.inputs if i.get("name")]
        if (form.get("method") or "get").lower() == "post":
            response = session.post(action, data=data, allow_redirects=False, timeout=30)
        else:
            response = session.get(action, params=data, allow_redirects=False, timeout=30)
    raise RuntimeError("launch did not finish in 10 hops")


def one_health(url: str) -> float:
    t0 = time.perf_counter()
    if requests.get(url, timeout=30).status_code != 200:
        raise RuntimeError("healthz failed")
    return time.perf_counter() - t0


def measure(fn, items: list[str], concurrency: int) -> tuple[list[float], float]:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        times = list(pool.map(fn, items))
    return times, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--launches", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--flavour", choices=["moodle", "canvas"], default="moodle")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--with-sync",
        action="store_true",
        help="let each launch start the course's grade sync (in-process without REDIS_URL)",
    )
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="credbridge-bench-") as tmp:
        env = {
            **os.environ,
            "LMS_SANDBOX": "1",
            "LTI_ALLOW_HTTP_PLATFORMS": "1",  # the sandbox is served over http
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PUBLIC_BASE_URL": base,
            "VAR_DIR": tmp,
            "LOG_LEVEL": "ERROR",
        }
        # Without DATABASE_URL the server uses the embedded default: SQLite in VAR_DIR (tmp),
        # with the project's own SQLite options (IMMEDIATE transactions, WAL, a busy timeout).
        _run([sys.executable, "manage.py", "migrate", "--noinput"], env)
        out = _run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                SEED.format(flavour=args.flavour, base=base, with_sync=args.with_sync),
            ],
            env,
        )
        seed = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("SEED")))
        server = start_server(args.server, port, env, args.workers)
        try:
            users = seed["users"]
            link = f"&link={seed['link']}" if seed["link"] else ""
            starts = [
                f"{base}/sandbox/{seed['slug']}/launch?course={seed['course']}"
                f"&user={users[i % len(users)]}&role=learner{link}"
                for i in range(args.launches)
            ]
            health = [f"{base}/healthz"] * args.launches
            measure(one_launch, starts[: args.concurrency], args.concurrency)  # warm up
            measure(one_health, health[: args.concurrency], args.concurrency)
            h_times, h_wall = measure(one_health, health, args.concurrency)
            l_times, l_wall = measure(one_launch, starts, args.concurrency)
        except (RuntimeError, requests.RequestException) as exc:
            sys.exit(f"{exc}\n--- server log ---\n{server_log(env)[-4000:]}")
        finally:
            stop_server(server)

    result = {
        "bench": "launch",
        "flavour": args.flavour,
        "server": f"{args.server} x{args.workers}" if args.server == "gunicorn" else "runserver",
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "concurrency": args.concurrency,
        "sync_on_launch": args.with_sync,
        "launches": args.launches,
        "launches_per_s": round(args.launches / l_wall, 1),
        "launch_p50_ms": round(statistics.median(l_times) * 1000, 1),
        "launch_p95_ms": round(pct(l_times, 0.95) * 1000, 1),
        "health_per_s": round(args.launches / h_wall, 1),
        "health_p50_ms": round(statistics.median(h_times) * 1000, 1),
        "health_p95_ms": round(pct(h_times, 0.95) * 1000, 1),
    }
    result["ratio_vs_health"] = round(result["launch_p50_ms"] / result["health_p50_ms"], 1)
    print(
        f"{args.launches} launches ({args.flavour}, {args.concurrency} concurrent): "
        f"{result['launches_per_s']}/s, p50 {result['launch_p50_ms']} ms, "
        f"p95 {result['launch_p95_ms']} ms"
    )
    print(
        f"/healthz same run: {result['health_per_s']}/s, p50 {result['health_p50_ms']} ms, "
        f"p95 {result['health_p95_ms']} ms; launch/health p50 ratio {result['ratio_vs_health']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
