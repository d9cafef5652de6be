"""Where the instructor dashboard's "Open QA console" button posts.

The QA console is an app above awarding (ADR 0005), so awarding does not name its URLs: the
console registers the URL name of its handoff here, in its AppConfig.ready(), as awarding
registers its landing pages with lti_tool. Without a registration the button is not shown.
"""

from __future__ import annotations

from django.urls import reverse

_handoff_url_name: str | None = None


def register_qa_handoff(url_name: str) -> None:
    """The URL name (for reverse()) that starts an LMS administrator's handoff to the console."""
    global _handoff_url_name
    _handoff_url_name = url_name


def qa_handoff_url() -> str:
    """The handoff's path, or "" when no QA console is installed."""
    return reverse(_handoff_url_name) if _handoff_url_name else ""
