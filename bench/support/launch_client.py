"""The launch bench's client side: one full LTI launch driven over real HTTP the way a browser
does it (bench/launch.py explains the hops), followed by one /healthz on the launch's own
connection (the paired baseline), and /healthz probed one at a time beside the launches. Each
of the tool's answers reports its server time, thread CPU, query count and how many other
answers its worker was running (bench/support/server_timing.py); a launch adds up its tool
answers'."""

from __future__ import annotations

import threading
import time
from urllib.parse import urljoin, urlsplit

import lxml.html
import requests

QUERIES_HEADER = "X-Bench-Queries"  # support/server_timing.py
BUSY_HEADER = "X-Bench-Busy"


def _form(response: requests.Response):
    if "html" not in response.headers.get("Content-Type", "") or not response.content:
        return None
    forms = lxml.html.fromstring(response.content).forms
    return forms[0] if forms else None


def server_ms(response: requests.Response, metric_name: str = "app") -> float:
    """A metric's `dur=` in the tool's Server-Timing header (bench/support/server_timing.py):
    `app` its wall time, `cpu` its thread's CPU time."""
    for metric in response.headers.get("Server-Timing", "").split(","):
        name, _, params = metric.strip().partition(";")
        if name == metric_name and params.startswith("dur="):
            return float(params[4:])
    raise RuntimeError(f"{response.url} answered without the tool's Server-Timing header")


def busy(response: requests.Response) -> int:
    """How many other answers the tool's worker was running when this one started."""
    return int(response.headers[BUSY_HEADER])


class Launch:
    """One launch's figures: wall time, the tool's server time and queries over its answers,
    and the /healthz sent on the launch's connection just after its landing page."""

    def __init__(self) -> None:
        self.wall_s = 0.0
        self.tool_ms = 0.0
        self.tool_cpu_ms = 0.0
        self.queries = 0
        self.tool_answers = 0
        self.busy_answers = 0  # answers that started while their worker ran another
        self.health_ms = 0.0
        self.health_cpu_ms = 0.0
        self.health_busy = 0

    def count(self, response: requests.Response, tool_netloc: str) -> None:
        if urlsplit(response.url).netloc == tool_netloc:
            self.tool_ms += server_ms(response)
            self.tool_cpu_ms += server_ms(response, "cpu")
            self.queries += int(response.headers[QUERIES_HEADER])
            self.tool_answers += 1
            self.busy_answers += busy(response) > 0


def one_launch(start_url: str, tool_base: str) -> Launch:
    """Drive one launch to its landing page (raises if it is not verified)."""
    try:
        return _one_launch(start_url, urlsplit(tool_base).netloc)
    except requests.RequestException as exc:
        where = exc.request.url if exc.request else "?"
        raise RuntimeError(f"launch failed at {where}: {exc}") from exc


def _one_launch(start_url: str, tool_netloc: str) -> Launch:
    session = requests.Session()
    launch = Launch()
    t0 = time.perf_counter()
    response = session.get(start_url, allow_redirects=False, timeout=30)
    for _ in range(10):
        launch.count(response, tool_netloc)
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            response = session.get(location, allow_redirects=False, timeout=30)
            if "lt=" in location and urlsplit(location).netloc == tool_netloc:
                # The verified launch's landing page: the last of the launch's answers.
                if response.status_code != 200:
                    raise RuntimeError(f"landing page {location}: HTTP {response.status_code}")
                launch.count(response, tool_netloc)
                launch.wall_s = time.perf_counter() - t0
                # The baseline in the launch's own conditions: the same kept-alive connection
                # (so the same worker), at once, under the same concurrent launches.
                health = session.get(urljoin(location, "/healthz"), timeout=30)
                if health.status_code != 200:
                    raise RuntimeError(f"/healthz after a launch: HTTP {health.status_code}")
                launch.health_ms = server_ms(health)
                launch.health_cpu_ms = server_ms(health, "cpu")
                launch.health_busy = busy(health)
                return launch
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


def one_health(url: str) -> tuple[float, float, float, int]:
    """(wall seconds, server-side wall ms, server-side thread CPU ms, other answers its worker
    was running) of one /healthz, on a connection of its own."""
    t0 = time.perf_counter()
    response = requests.get(url, timeout=30)
    if response.status_code != 200:
        raise RuntimeError("healthz failed")
    return (
        time.perf_counter() - t0,
        server_ms(response),
        server_ms(response, "cpu"),
        busy(response),
    )


class Probes(threading.Thread):
    """/healthz one at a time, every `interval_s`, until stopped: the baseline under the
    same load as the launches it runs beside."""

    def __init__(self, url: str, interval_s: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.url, self.interval_s = url, interval_s
        self.results: list[tuple[float, float, float, int]] = []
        self.error: BaseException | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval_s):
            try:
                self.results.append(one_health(self.url))
            except (RuntimeError, requests.RequestException) as exc:
                self.error = exc
                return
