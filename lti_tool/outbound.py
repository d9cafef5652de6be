"""Every HTTP call the tool makes to another server goes through `fetch` (ADR 0045).

What it guarantees, whatever the other side does:
- a total deadline per call (wall clock over name resolution, connect, TLS, sending and every
  read): a server trickling one byte a second is cut off at the deadline. Per-read timeouts
  alone cannot do that, so a watchdog shuts the call's sockets down when the deadline passes;
- a size cap on the body (read in chunks, stopped past the cap; compressed bodies are capped
  after decompression);
- no redirect is followed: a 3xx is returned to the caller as it came;
- the URL's host[:port] must be on the caller's allowlist, checked before connecting, and every
  address the name resolves to must be public unless its kind (loopback, private, link-local)
  is in `private_ok`. The check runs inside the connection itself and the socket connects to
  the address that was checked, so DNS rebinding between check and connect changes nothing.
  Multicast, reserved and unspecified addresses are never reached.

Environment proxies and `.netrc` are ignored (`trust_env = False`): a proxy would make the
address check meaningless, and `.netrc` could attach credentials.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .addresses import LINK_LOCAL, LOOPBACK, NEVER, PRIVATE, address_kind, private_kinds_of, resolve
from .outbound_body import BodyStream, decoded, discard, read_capped, streamed_body
from .outbound_deadline import Call
from .outbound_errors import DeadlineExceeded, NotAllowed, OutboundError, TooLarge, Unreachable

__all__ = [
    "LINK_LOCAL",
    "LOOPBACK",
    "PRIVATE",
    "DeadlineExceeded",
    "HostPolicy",
    "NotAllowed",
    "OutboundError",
    "TooLarge",
    "Unreachable",
    "check_url",
    "discard",
    "fetch",
    "host_key",
    "private_kinds_of",
    "streamed_body",
]

# Kinds of non-public addresses a caller may allow (for a registration that is itself on one).
_DEFAULT_PORTS = {"http": 80, "https": 443}


class HostPolicy(NamedTuple):
    """Where one caller's calls may go: `fetch(..., **policy._asdict())`."""

    allowed_hosts: frozenset[str]
    private_ok: frozenset[str]


_local = threading.local()


def _forget_connections_after_fork() -> None:
    # Pooled connections must never be shared between a parent and its forked worker.
    _local.__dict__.clear()


os.register_at_fork(after_in_child=_forget_connections_after_fork)


def _current() -> Call:
    call = getattr(_local, "call", None)
    if call is None:
        raise NotAllowed("Outbound connections are made by lti_tool.outbound.fetch only.")
    return call


# --- connections that check where they connect ----------------------------------------------


class _CheckedConnectionMixin:
    host: str
    port: int
    timeout: Any
    socket_options: Any
    sock: Any

    def _new_conn(self) -> socket.socket:
        call = _current()
        host = self.host.strip("[]")
        try:
            infos = resolve(host, self.port, timeout=call.remaining())
        except TimeoutError as exc:
            call.expired = True
            raise DeadlineExceeded(f"Resolving {host} took longer than the deadline.") from exc
        except OSError as exc:
            raise Unreachable(f"The name {host} could not be resolved.") from exc
        if not infos:
            raise Unreachable(f"The name {host} has no address.")
        for info in infos:
            kind = address_kind(info[4][0])
            if kind != "public" and (kind in NEVER or kind not in call.private_ok):
                raise NotAllowed(f"{host} resolves to a {kind} address; it may not be reached.")
        problem: OSError | None = None
        for family, type_, proto, _name, address in infos:
            # Connect to the address just checked, never to a fresh resolution of the name.
            sock = socket.socket(family, type_, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                timeout = self.timeout if isinstance(self.timeout, int | float) else None
                sock.settimeout(min(timeout or call.remaining(), call.remaining()))
                call.watch(sock)
                sock.connect(address)
                return sock
            except OSError as exc:
                sock.close()
                problem = exc
                if call.expired:
                    break
        if call.expired:
            raise DeadlineExceeded("The server did not accept a connection within the deadline.")
        raise Unreachable(f"Could not connect to {host}: {problem}") from problem

    def request(self, *args, **kwargs):
        # A pooled connection made by an earlier call: this call must be able to cut it off.
        _current().watch(self.sock)
        # A mixin: the urllib3 connection it is mixed into has request(); mypy sees only object.
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def _session(private_ok: frozenset[str]) -> requests.Session:
    """One pool per thread and policy: a pooled connection was checked under this policy."""
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    s = sessions.get(private_ok)
    if s is None:
        s = requests.Session()
        s.trust_env = False
        s.headers["User-Agent"] = "Credbridge LTI tool"
        s.headers["Accept-Encoding"] = "identity"
        adapter = _CheckedAdapter(max_retries=0)
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        sessions[private_ok] = s
    return s


# --- the API ---------------------------------------------------------------------------------


def host_key(url: str) -> str:
    """host[:port] of an http(s) URL, lower case, without a default port; "" if unusable."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or parts.username is not None or parts.password is not None:
        return ""
    try:
        host, port = (parts.hostname or ""), parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    return host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"


def check_url(url: str, allowed_hosts: Iterable[str]) -> None:
    """Raises NotAllowed unless `url` is http(s) on one of `allowed_hosts` (host[:port])."""
    key = host_key(url)
    if not key:
        raise NotAllowed("The URL is not a plain http(s) URL.")
    allowed = {h.strip().lower() for h in allowed_hosts}
    scheme = urlsplit(url).scheme.lower()
    with_port = key if ":" in key.rsplit("]", 1)[-1] else f"{key}:{_DEFAULT_PORTS[scheme]}"
    if key not in allowed and with_port not in allowed:
        raise NotAllowed(f"The host {key!r} is not one this call may reach.")


def fetch(
    method: str,
    url: str,
    *,
    allowed_hosts: Iterable[str],
    private_ok: Iterable[str] = (),
    deadline_s: float | None = None,
    max_bytes: int | None = None,
    headers: dict[str, str] | None = None,
    data: Any = None,
    json: Any = None,
    read_timeout_s: float | None = None,
    stream: bool = False,
) -> requests.Response:
    """One bounded HTTP call; returns the response with its whole body already read.

    The result is a `requests.Response` (status_code, headers, content, text, json()).
    Raises NotAllowed, DeadlineExceeded, TooLarge or Unreachable (all OutboundError).
    Never follows redirects. Defaults: settings.OUTBOUND_DEADLINE_SECONDS and
    OUTBOUND_MAX_BYTES. `read_timeout_s` (silence between two packets) is bounded by the
    deadline anyway.

    With `stream`, a 2xx answer's body is not read whole: `content` holds only its first
    chunk (enough to tell an HTML page or to quote it), and `streamed_body(response)` hands
    out the whole body as it arrives, under the same cap and deadline (the time the caller
    spends between two chunks not counted): lti_tool.outbound_body. Any other answer, and a
    compressed body, is read whole as without `stream`.
    """
    configured_deadline: float = getattr(settings, "OUTBOUND_DEADLINE_SECONDS", 30)
    configured_cap: int = getattr(settings, "OUTBOUND_MAX_BYTES", 16 * 1024 * 1024)
    deadline = float(deadline_s or configured_deadline)
    cap = int(max_bytes or configured_cap)
    check_url(url, allowed_hosts)
    kinds = frozenset(private_ok)
    previous = getattr(_local, "call", None)
    call = Call(deadline_s=deadline, private_ok=kinds).__enter__()
    _local.call = call
    handed_out = False
    try:
        response = _fetch(call, method, url, cap, headers, data, json, read_timeout_s, stream)
        # A streamed body ends the call when it is read or closed, not here.
        handed_out = streamed_body(response) is not None
        return response
    finally:
        _local.call = previous
        if not handed_out:
            call.__exit__(None, None, None)


def _fetch(
    call, method, url, cap, headers, data, json_body, read_timeout_s, stream
) -> requests.Response:
    response = None
    try:
        left = call.remaining()
        read = min(read_timeout_s or left, left)
        response = _session(call.private_ok).request(
            method,
            url,
            headers=headers,
            data=data,
            json=json_body,
            timeout=(left, read),
            allow_redirects=False,
            stream=True,
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"The answer is {int(declared)} bytes; at most {cap} are accepted.")
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if stream and 200 <= response.status_code < 300 and encoding in ("", "identity"):
            streamed = BodyStream(response, call, cap)
            response._content = streamed.head
            response._content_consumed = True  # type: ignore[attr-defined]
            response.credbridge_body = streamed  # type: ignore[attr-defined]
            return response
        body = read_capped(response, call, cap)
        body = decoded(body, encoding, cap)
        if call.expired:
            raise DeadlineExceeded("The server did not finish its answer within the deadline.")
    except OutboundError:
        if response is not None:
            response.close()
        raise
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if response is not None:
            response.close()
        if call.expired or time.monotonic() >= call.ends_at:
            raise DeadlineExceeded(
                "The server did not finish its answer within the deadline."
            ) from exc
        raise Unreachable(f"The call failed: {type(exc).__name__}.") from exc
    response.raw.release_conn()
    response._content = body
    # requests' own flag for "the body was read" (private: not in types-requests).
    response._content_consumed = True  # type: ignore[attr-defined]
    return response
