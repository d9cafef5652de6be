"""A page of AGS results read one result at a time, as its body arrives.

Moodle sends a column's results in one answer (ADR 0020): ten thousand learners are a
3.6 MB body, and `json.loads` of it builds every result's dict at once. Here the body is
read as the transport hands it out (`lti_tool.outbound.streamed_body`), decoded to text a
chunk at a time, and each result is decoded when the caller reaches it
(`JSONDecoder.raw_decode`, the same C scanner as `json.loads`): the sync stores a page in
chunks, and holds one chunk's results and a window of the body's text (the part not yet
read, about one transport chunk) at a time (ADRs 0078, 0081).

What is accepted is exactly what `json.loads` accepts, followed by the same shape check as
every other listing: a JSON array of objects, each with a `userId` (string or number).
Anything else raises `MalformedResponse` with the LMS's answer (status, media type, first
bytes), when the reader reaches it: the caller stores a page in one transaction, so a page
that turns out malformed halfway is still rejected whole. A body that breaks the transport's
bounds while it is read (its size cap, its deadline) fails the same way, as
`MalformedResponse` (too large) or `Unavailable` (the LMS did not finish its answer).
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import requests
from requests.utils import guess_json_utf

from lti_tool.outbound import DeadlineExceeded, TooLarge, Unreachable, streamed_body

from .errors import MalformedResponse, Unavailable

log = logging.getLogger(__name__)

_DECODER = json.JSONDecoder()
_BLANK = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as json.loads skips it
_NOT_JSON = "The LMS sent a page that is not valid JSON; it was rejected."
_WRONG_SHAPE = "The LMS sent a results page of the wrong shape; it was rejected."


def _text_decoder(response: requests.Response) -> codecs.IncrementalDecoder:
    """Decodes as `requests.Response.json` did the whole body: by the JSON encoding the
    first bytes show when the answer names no charset (strictly), else by the charset it
    names (undecodable bytes replaced, as `Response.text`)."""
    head = response.content  # a streamed answer's first chunk
    encoding, errors = response.encoding, "replace"
    if not encoding:
        guessed = guess_json_utf(head) if len(head) > 3 else None
        encoding, errors = (guessed, "strict") if guessed else (response.apparent_encoding, errors)
    try:
        return codecs.getincrementaldecoder(encoding or "utf-8")(errors)
    except LookupError:  # a charset Python does not know: Response.text falls back so
        return codecs.getincrementaldecoder("utf-8")("replace")


def body_pieces(response: requests.Response, *, url: str) -> Iterator[str]:
    """The body's text, a piece per chunk received (the whole body at once when the
    transport read it whole). Raises UnicodeDecodeError (a ValueError) for bytes that are
    not in the encoding the answer shows, and a ServiceError when the body breaks the
    transport's bounds halfway."""
    body = streamed_body(response)
    chunks: Iterable[bytes] = body if body is not None else (response.content,)
    decoder = _text_decoder(response)
    try:
        for chunk in chunks:
            yield decoder.decode(chunk)
        yield decoder.decode(b"", True)
    except TooLarge as exc:
        # Moodle sends a column's results in one answer: a very large course can need a
        # larger OUTBOUND_MAX_BYTES (about 360 bytes a result).
        log.warning("LMS results page %s: %s (OUTBOUND_MAX_BYTES)", url, exc)
        raise MalformedResponse(f"The LMS answer was refused: {exc}", url=url) from exc
    except (DeadlineExceeded, Unreachable) as exc:
        log.warning("LMS results page %s: %s", url, exc)
        raise Unavailable(f"The LMS did not finish its answer ({exc}).", url=url) from exc
    finally:
        if body is not None:
            body.close()


class ResultStream:
    """One page's results, decoded as they are read. Iterate it once (or `chunks`).

    `body` is the page's text, whole or as pieces (`body_pieces`); only the part not yet
    read is kept, and it is read on only as far as the next result needs."""

    def __init__(self, body: str | Iterable[str], *, url: str, seen: dict[str, Any]) -> None:
        self.url = url
        self._seen = seen  # status, content type, excerpt: for the error, if one comes
        self._pieces = iter((body,) if isinstance(body, str) else body)
        self._text = ""  # what arrived and is not read yet, from self._at on
        self._at = 0
        self._start = 0  # where the value last decoded began
        try:
            self._skip_blank()
            if self._text[self._at : self._at + 1] != "[":
                # Not an array: nothing to read (an object, a string, a number, or no JSON).
                self._check_json_at_all("")
                raise MalformedResponse(_WRONG_SHAPE, url=url)
            self._at += 1
            self._skip_blank()
        except BaseException:
            self.close()
            raise

    # --- the text not read yet ----------------------------------------------------------
    def _more(self) -> bool:
        """Appends the next piece (what was read before self._at is dropped); False at
        the body's end."""
        try:
            piece = next(self._pieces, None)
        except ValueError as exc:  # bytes not in the body's encoding
            raise self._not_json() from exc
        if piece is None:
            return False
        self._text = self._text[self._at :] + piece
        self._at = 0
        return True

    def _skip_blank(self) -> None:
        while True:
            self._at = _BLANK.match(self._text, self._at).end()  # type: ignore[union-attr]
            if self._at < len(self._text) or not self._more():
                return

    def _decode_next(self) -> Any:
        """The value at self._at, and self._at moved past it and the blanks after it, to
        the next character (the text read on as far as needed: a value cut by the end of
        a piece is decoded again once the next has arrived)."""
        while True:
            pending = len(self._text) - self._at
            try:
                item, end = _DECODER.raw_decode(self._text, self._at)
            except ValueError as exc:
                if self._more_than(pending):
                    continue
                raise self._not_json() from exc
            after = _BLANK.match(self._text, end).end()  # type: ignore[union-attr]
            # A number (or true, false, null) that ends with the text may go on in the
            # next piece: decoded again once something follows it.
            if after < len(self._text) or not self._more_than(pending):
                self._start, self._at = self._at, after
                return item

    def _more_than(self, pending: int) -> bool:
        """Reads on until at least twice `pending` is unread (so a value larger than a
        piece is decoded again log-many times, not once per piece); False at the end."""
        grew = False
        while len(self._text) - self._at < 2 * pending + 1 and self._more():
            grew = True
        return grew

    def _rest(self) -> str:
        """Everything not read yet (the error path only)."""
        rest = [self._text[self._at :]]
        self._text, self._at = "", 0
        while self._more():
            rest.append(self._text)
            self._text = ""
        return "".join(rest)

    # --- reading ------------------------------------------------------------------------
    def _check_json_at_all(self, before: str) -> None:
        """Raises "not JSON" if the whole body is not JSON: `before` and the rest. What was
        read before was a valid start of the array, so "[" and the rest is JSON exactly
        when the whole body is."""
        try:
            json.loads(before + self._rest())
        except ValueError as exc:
            raise self._not_json() from exc

    def _not_json(self) -> MalformedResponse:
        return MalformedResponse(_NOT_JSON, url=self.url, **self._seen)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            if self._text[self._at : self._at + 1] == "]":
                self._end()
                return
            while True:
                item = self._decode_next()
                separator = self._text[self._at : self._at + 1]
                if separator not in (",", "]"):
                    raise self._not_json()
                if not isinstance(item, dict) or not isinstance(item.get("userId"), str | int):
                    self._at = self._start  # a syntax error later says "not JSON", as before
                    self._check_json_at_all("[")
                    raise MalformedResponse(_WRONG_SHAPE, url=self.url)
                yield item
                if separator == "]":
                    self._end()
                    return
                self._at += 1
                self._skip_blank()
        finally:
            self.close()

    def _end(self) -> None:
        """After the closing bracket: only blanks may follow, to the body's end."""
        self._at += 1
        self._skip_blank()
        if self._at != len(self._text):
            raise self._not_json()  # "Extra data", as json.loads says
        self._text = ""

    def close(self) -> None:
        """Lets the body go (its connection closed if it was not read to its end)."""
        close = getattr(self._pieces, "close", None)
        if close is not None:
            close()

    def chunks(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """The results, `size` at a time."""
        items = iter(self)
        while chunk := list(islice(items, size)):
            yield chunk
