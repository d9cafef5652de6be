"""A body handed out as it arrives (`fetch(..., stream=True)`), still bounded (ADR 0081).

Moodle sends a column's results in one answer (ADR 0020): a 10,000-learner column is a
3.6 MB body, and a sync has up to three of them downloading while it stores another. Read
whole, each body sat in the syncing process until stored; handed out a chunk at a time to a
reader that decodes as it goes, at most a chunk or two of it is held.

The call's guarantees hold for such a body too:
- the size cap: the bytes handed out are counted, and the chunk that passes the cap raises
  `TooLarge` instead of being handed out (a declared `Content-Length` over the cap was
  refused before any byte was);
- the total deadline counts the time spent waiting for the server, not the time the reader
  spends with a chunk (storing it): between two chunks the call's watchdog is paused
  (`hold`), and re-armed with what is left when the reader asks for the next (`resume`).
  A server trickling its body is cut off when the waits add up to the deadline, as a body
  read whole is;
- no connection is reused unless the body was read to its end: a body abandoned halfway
  closes its connection.
"""

from __future__ import annotations

import weakref
import zlib
from collections.abc import Iterator
from functools import partial
from typing import Any, Protocol

import requests
import urllib3

from .outbound_errors import DeadlineExceeded, OutboundError, TooLarge, Unreachable

CHUNK_BYTES = 64 * 1024


class _Deadline(Protocol):
    expired: bool

    def hold(self) -> None: ...

    def resume(self) -> None: ...

    def __exit__(self, *exc: Any) -> None: ...


def _finish(raw: Any, call: _Deadline, *, complete: bool) -> None:
    if not complete:
        raw.close()  # the rest of the body is unread: the connection cannot be reused
    raw.release_conn()
    call.__exit__(None, None, None)


class BodyStream:
    """A 2xx answer's body: `head` (its first chunk, read with the headers) and then the
    rest, chunk by chunk, by iterating. Iterate once; `close` (or reading to the end)
    ends the call."""

    def __init__(self, response: requests.Response, call: _Deadline, cap: int) -> None:
        self._response = response
        self._call = call
        self._cap = cap
        self._size = 0
        # `read(n)` waits for n bytes or the end, across the chunks of a chunked answer
        # (`stream` would hand out each of them, however small).
        self._chunks = iter(partial(response.raw.read, CHUNK_BYTES, decode_content=False), b"")
        self.head = self._next() or b""
        self._ended = not self.head
        # Never iterated (the sync failed before reaching this page): the connection and
        # the call's watched sockets are still let go when the stream is collected.
        # (Tied to the response, which holds this stream; nothing here refers to it.)
        self._finalizer = weakref.finalize(response, _finish, response.raw, call, complete=False)
        call.hold()

    def _next(self) -> bytes | None:
        """The next chunk, read under the call's bounds (None at the end of the body)."""
        try:
            chunk = next(self._chunks, None)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if self._call.expired:
                raise DeadlineExceeded(
                    "The server did not finish its answer within the deadline."
                ) from exc
            raise Unreachable(f"The call failed: {type(exc).__name__}.") from exc
        if self._call.expired:
            raise DeadlineExceeded("The server did not finish its answer within the deadline.")
        if chunk is None:
            return None
        self._size += len(chunk)
        if self._size > self._cap:
            raise TooLarge(f"The answer is larger than {self._cap} bytes; it was refused.")
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self.head:
                yield self.head
            while not self._ended:
                self._call.resume()  # raises once the deadline's budget is spent
                chunk = self._next()
                self._call.hold()
                if chunk is None:
                    self._ended = True
                    break
                yield chunk
        except OutboundError:
            self.close()
            raise
        if self._finalizer.detach():
            _finish(self._response.raw, self._call, complete=True)

    def close(self) -> None:
        """Lets the body go (its connection closed unless it was read to its end)."""
        self._finalizer()


def streamed_body(response: requests.Response) -> BodyStream | None:
    """The body a `fetch(..., stream=True)` left to be read as it arrives; None when the
    body was read whole (an error status, a compressed body, or no stream asked for)."""
    body = getattr(response, "credbridge_body", None)
    return body if isinstance(body, BodyStream) else None


def discard(response: requests.Response) -> None:
    """Lets a streamed body go unread (an answer the caller will not use)."""
    body = streamed_body(response)
    if body is not None:
        body.close()


def read_capped(response: requests.Response, call: Any, cap: int) -> bytes:
    """The whole body, read in chunks and refused once past the cap."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.raw.stream(CHUNK_BYTES, decode_content=False):
        call.remaining()  # raises once the deadline has passed, between two chunks
        size += len(chunk)
        if size > cap:
            raise TooLarge(f"The answer is larger than {cap} bytes; it was refused.")
        chunks.append(chunk)
    return b"".join(chunks)


def decoded(body: bytes, encoding: str, cap: int) -> bytes:
    """Undo gzip/deflate (sent although we asked for identity) without exceeding the cap."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise Unreachable(f"The answer uses an unsupported content encoding ({encoding[:20]}).")
    try:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header
        out = inflater.decompress(body, cap + 1)
    except zlib.error:
        try:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
            out = inflater.decompress(body, cap + 1)
        except zlib.error as exc:
            raise Unreachable("The answer's compressed body is corrupt.") from exc
    if len(out) > cap or inflater.unconsumed_tail:
        raise TooLarge(f"The answer is larger than {cap} bytes once decompressed; refused.")
    return out
