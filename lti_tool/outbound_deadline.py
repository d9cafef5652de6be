"""One outbound call's total deadline and the watchdog that enforces it (`lti_tool.outbound`).

Per-read timeouts cannot bound a server that trickles a byte a second, so the call keeps a
duplicate of each socket it uses and a watchdog shuts them down when the deadline passes:
any read or write blocked on them wakes and fails.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time

from .outbound_errors import DeadlineExceeded


class Call:
    """The state of one `fetch`: its deadline, policy, and the sockets it must cut off.

    One watchdog thread per call, started with it: a streamed body is paused and resumed
    once per chunk (`hold`, `resume`), and a timer thread per chunk cost more CPU than the
    chunk's decoding. The watchdog sleeps until the deadline, and while the call is held
    until it is resumed; `hold` and `resume` only move the deadline under the lock."""

    def __init__(self, *, deadline_s: float, private_ok: frozenset[str]) -> None:
        self.ends_at = time.monotonic() + deadline_s
        self._left: float | None = None  # while held (hold/resume): what the server has left
        self.private_ok = private_ok
        self.expired = False
        self._finished = False
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._parked = False  # the watchdog waits for `resume` (it woke while held)
        self._watchdog = threading.Thread(
            target=self._watch_deadline, name="outbound-deadline", daemon=True
        )

    def remaining(self) -> float:
        left = self.ends_at - time.monotonic()
        if left <= 0:
            self.expired = True
            raise DeadlineExceeded("The server did not answer within the call's deadline.")
        return left

    def watch(self, sock: socket.socket | None) -> None:
        """Keep a duplicate of the socket's descriptor: shutting that down at the deadline
        wakes any read or write blocked on the socket (TLS handshake included), and, being
        ours, it can never name another socket after the connection closes its own."""
        if sock is None or sock.fileno() < 0:
            return
        dup = socket.socket(fileno=os.dup(sock.fileno()))
        with self._lock:
            if self._finished:
                dup.close()
                return
            self._watched.append(dup)
            if self.expired:
                _shutdown(dup)

    def hold(self) -> None:
        """The caller is busy with a chunk of a streamed body: that time is not the
        server's, so the deadline stops until `resume` (lti_tool.outbound_body)."""
        with self._lock:
            self._left = self.ends_at - time.monotonic()

    def resume(self) -> None:
        """Moves the deadline on by the time the call was held (raises when none is left)."""
        with self._lock:
            if self._left is not None:
                self.ends_at = time.monotonic() + self._left
                self._left = None
            if self._parked:
                self._parked = False
                self._wake.notify()
        self.remaining()

    def _watch_deadline(self) -> None:
        # Wakes at the deadline as it stood when it went to sleep: a resume since then has
        # only moved it later, so it sleeps again for the rest.
        with self._wake:
            while not self._finished:
                if self._left is not None:
                    self._parked = True
                    self._wake.wait()
                    continue
                left = self.ends_at - time.monotonic()
                if left <= 0:
                    self.expired = True
                    for dup in self._watched:
                        _shutdown(dup)
                    return
                self._wake.wait(left)

    def __enter__(self) -> Call:
        self._watchdog.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._finished = True
            self._wake.notify()
            for dup in self._watched:
                dup.close()
            self._watched.clear()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
