"""A page of AGS results read one result at a time, not parsed whole.

Moodle sends a column's results in one answer (ADR 0020): ten thousand learners are a
3 MB body, and `json.loads` of it builds every result's dict at once (some 30 MB of Python
objects, several columns' worth when listings overlap), before any of them is stored. Here
the body is kept as text and each result is decoded when the caller reaches it
(`JSONDecoder.raw_decode`, the same C scanner as `json.loads`), so the sync stores a page in
chunks and holds one chunk's objects at a time (ADR 0078).

What is accepted is exactly what `json.loads` accepts, followed by the same shape check as
every other listing: a JSON array of objects, each with a `userId` (string or number).
Anything else raises `MalformedResponse` with the LMS's answer (status, media type, first
bytes), when the reader reaches it: the caller stores a page in one transaction, so a page
that turns out malformed halfway is still rejected whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

import requests
from requests.utils import guess_json_utf

from .errors import MalformedResponse

_DECODER = json.JSONDecoder()
_BLANK = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as json.loads skips it
_NOT_JSON = "The LMS sent a page that is not valid JSON; it was rejected."
_WRONG_SHAPE = "The LMS sent a results page of the wrong shape; it was rejected."


def body_text(response: requests.Response) -> str:
    """The body as `requests.Response.json` decodes it: by the JSON encoding the bytes show
    when the answer names no charset, else by the charset it names."""
    content = response.content
    if not response.encoding and len(content) > 3:
        encoding = guess_json_utf(content)
        if encoding is not None:
            return content.decode(encoding)
    return response.text


class ResultStream:
    """One page's results, decoded as they are read. Iterate it once (or `chunks`)."""

    def __init__(self, text: str, *, url: str, seen: dict[str, Any]) -> None:
        self.url = url
        self._seen = seen  # status, content type, excerpt: for the error, if one comes
        self._text = text
        self._at = _BLANK.match(text, 0).end()  # type: ignore[union-attr]
        if text[self._at : self._at + 1] != "[":
            # Not an array: nothing to read (an object, a string, a number, or no JSON).
            self._check_json_at_all()
            raise MalformedResponse(_WRONG_SHAPE, url=url)
        self._at = _BLANK.match(text, self._at + 1).end()  # type: ignore[union-attr]

    def _check_json_at_all(self) -> None:
        try:
            json.loads(self._text)
        except ValueError as exc:
            raise self._not_json() from exc

    def _not_json(self) -> MalformedResponse:
        return MalformedResponse(_NOT_JSON, url=self.url, **self._seen)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        text, at = self._text, self._at
        if text[at : at + 1] == "]":
            self._end(at + 1)
            return
        while True:
            try:
                item, at = _DECODER.raw_decode(text, at)
            except ValueError as exc:
                raise self._not_json() from exc
            at = _BLANK.match(text, at).end()  # type: ignore[union-attr]
            separator = text[at : at + 1]
            if separator not in (",", "]"):
                raise self._not_json()
            if not isinstance(item, dict) or not isinstance(item.get("userId"), str | int):
                self._check_json_at_all()  # a syntax error later says "not JSON", as before
                raise MalformedResponse(_WRONG_SHAPE, url=self.url)
            yield item
            if separator == "]":
                self._end(at + 1)
                return
            at = _BLANK.match(text, at + 1).end()  # type: ignore[union-attr]

    def _end(self, at: int) -> None:
        if _BLANK.match(self._text, at).end() != len(self._text):  # type: ignore[union-attr]
            raise self._not_json()  # "Extra data", as json.loads says
        self._text = ""  # read: the body is not kept while the last chunk is stored

    def chunks(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """The results, `size` at a time."""
        items = iter(self)
        while chunk := list(islice(items, size)):
            yield chunk
