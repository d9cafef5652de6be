"""The result pages of a course's columns, downloaded several at once, stored one at a time.

A listing asks for its first page as soon as it is opened (`ServiceClient.iter_pages`), so a
sync opens the column listings before it stores the roster: the LMS renders the first
result pages (Moodle: a column's results in one page) while the roster is written, instead
of after it (`assessments.sync`). A streamed page that waits meanwhile holds one chunk and
its socket; its deadline counts only the time spent waiting for the LMS (ADR 0081). The
LMS's side waits as long as the roster takes: a front server drops a client that reads
nothing for its send timeout (nginx: 60 s), which a roster reaches only at hundreds of
thousands of Moodle members (1,000 a page, about 0.15 s a page) or, for Canvas (50 a page),
with result pages small enough to sit whole in the socket buffers, never.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from django.conf import settings

from lti_tool.services.ags import AGSClient
from lti_tool.services.ags_stream import ResultStream
from lti_tool.services.client import Pages
from lti_tool.services.errors import NotFound, Unexplained

from .models import LineItem

_Listing = tuple[LineItem, Pages[ResultStream]]


def _unexplained_404(line_item: LineItem, exc: NotFound) -> Unexplained:
    return Unexplained(
        f"The LMS answered “not found” (HTTP {exc.status}) when asked for the results of "
        f"“{line_item}”, yet that column still exists in the LMS. The sync stopped and "
        "nothing was marked deleted; the LMS's answer is shown below.",
        status=exc.status,
        url=exc.url,
        content_type=exc.content_type,
        excerpt=exc.excerpt,
    )


class ResultListings:
    """Result pages of several line items, taken in turn from several listings at once:
    each listing downloads its next page (its first as soon as it is opened, which is when
    this object is made) while the others' pages are stored, so an LMS that answers slowly
    (Canvas: 100 results a page; Moodle: a column's results in one page) is asked in
    parallel. A listing whose last page has arrived makes room for the next at once, before
    that page is stored. How many listings advance at once is the adapter's word, asked
    before every page (`sync_width`: fixed, or from the rate budget the LMS reported);
    listings beyond it wait, their one fetched page kept, until the width grows again. Each
    listing has at most one request in flight. Everything but the downloads runs in the
    caller's thread: errors, retries and storing included.

    Iterate once, then `close` (always: it stops the download threads of listings never
    read). A column the LMS confirms deleted is marked so and its pk added to `gone`; a 404
    it does not confirm is `Unexplained` (nothing is taken on trust as a deletion).
    """

    def __init__(self, ags: AGSClient, line_items: list[LineItem]) -> None:
        self._ags = ags
        self._configured = max(1, int(getattr(settings, "SYNC_PARALLEL_LINE_ITEMS", 3)))
        self._waiting = iter(line_items)
        self._active: deque[_Listing] = deque()
        self._parked: deque[_Listing] = deque()
        self.gone: set[int] = set()
        try:
            self._fill()
        except BaseException:
            self.close()
            raise

    def _fill(self) -> None:
        width = self._ags.adapter.sync_width(configured=self._configured)
        active, parked = self._active, self._parked
        while len(active) > width:
            parked.appendleft(active.pop())
        while len(active) < width and parked:
            active.append(parked.popleft())
        while len(active) < width:
            line_item = next(self._waiting, None)
            if line_item is None:
                break
            active.append((line_item, self._ags.iter_result_pages(line_item_url=line_item.url)))

    def __iter__(self) -> Iterator[tuple[LineItem, ResultStream]]:
        while self._active:
            line_item, pages = self._active.popleft()
            try:
                page = next(pages)
            except StopIteration:
                self._fill()
                continue
            except NotFound as exc:
                # Only a deletion the LMS confirms counts as one.
                if not self._ags.line_item_is_gone(url=line_item.url):
                    raise _unexplained_404(line_item, exc) from exc
                # Deleted in the LMS since it was listed: keep its evidence, skip it.
                LineItem.objects.filter(pk=line_item.pk).update(deleted_in_lms=True)
                self.gone.add(line_item.pk)
                self._fill()
                continue
            if pages.finished:
                pages.close()  # its last page: the next listing starts now, before storing
            else:
                self._active.append((line_item, pages))
            self._fill()
            yield line_item, page

    def close(self) -> None:
        for _, pages in (*self._active, *self._parked):
            pages.close()  # stops its download thread
        self._active.clear()
        self._parked.clear()
