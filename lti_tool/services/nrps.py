"""Names and Role Provisioning Services 2.0: the course roster, page by page."""

from __future__ import annotations

from lti_tool.platforms.base import MEDIA_MEMBERSHIP_CONTAINER

from . import scopes
from .client import Pages, ServiceClient
from .errors import MalformedResponse


class NRPSClient(ServiceClient):
    def __init__(self, *, platform, memberships_url: str) -> None:
        super().__init__(platform=platform)
        self.memberships_url = memberships_url
        self.check_url(memberships_url)

    def _members(self, body, url: str) -> list[dict]:
        members = body.get("members") if isinstance(body, dict) else None
        if not isinstance(members, list) or not all(
            isinstance(m, dict) and isinstance(m.get("user_id"), str | int) for m in members
        ):
            raise MalformedResponse(
                "The LMS sent a roster page of the wrong shape; it was rejected.", url=url
            )
        return [self.adapter.roster_member(member) for member in members]

    def iter_member_pages(self) -> Pages[list[dict]]:
        """Each page's members as the LMS's adapter reads them (`PlatformAdapter.roster_member`):
        roles as full LIS URIs whatever the LMS sent, `active` decided, unfilled variables
        dropped. The first page is asked for now; `close` the listing if it is not read to
        its end."""
        return self.iter_pages(
            self.adapter.roster_listing_url(self.memberships_url),
            scope=scopes.MEMBERSHIP_READONLY,
            accept=MEDIA_MEMBERSHIP_CONTAINER,
            extract=self._members,
        )
