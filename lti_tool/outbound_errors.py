"""What a bounded outbound call (`lti_tool.outbound.fetch`) raises when it is refused or
fails: in a module of their own so that the body handed out as it arrives
(`lti_tool.outbound_body`) raises the same ones."""

from __future__ import annotations


class OutboundError(Exception):
    """An outbound call was refused or failed; the message is for people (no secrets)."""


class NotAllowed(OutboundError):
    """The URL, its host or one of the addresses it resolves to may not be reached."""


class DeadlineExceeded(OutboundError):
    """The other side did not finish answering within the call's total deadline."""


class TooLarge(OutboundError):
    """The body is larger than the call's size cap."""


class Unreachable(OutboundError):
    """Name resolution, connection or transfer failed (not a deadline)."""
