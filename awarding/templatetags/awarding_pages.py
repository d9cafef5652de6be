"""Template helpers for the awarding pages: links that carry the launch token, score display."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from config.url_paths import fixed_path

from ..qa_console_entry import qa_handoff_url as _qa_handoff_url

register = template.Library()


def _with_token(url: str, token: str) -> str:
    if not token:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'lt': token})}"


@register.simple_tag(takes_context=True)
def lti_url(context: template.Context, viewname: str, *args: object) -> str:
    """`{% lti_url 'awarding:learner_home' %}`: reverse(), plus the launch token.

    Inside the LMS iframe there may be no cookie, so every link must carry `lt`.
    """
    url = reverse(viewname, args=args) if args else fixed_path(viewname)
    return _with_token(url, context.get("lt") or "")


@register.simple_tag
def qa_handoff_url() -> str:
    """`{% qa_handoff_url as url %}`: where "Open QA console" posts ("" without a console)."""
    return _qa_handoff_url()


@register.filter
def with_lt(url: str, token: str) -> str:
    """`{{ some_url|with_lt:lt }}` for URLs built elsewhere (other apps' pages)."""
    return _with_token(str(url), token or "")


@register.filter
def score(value: object) -> str:
    """A score without a pointless `.0`; an em dash when there is none."""
    if value is None or value == "":
        return "—"
    try:
        # Any template value: float() of what is not a number raises, caught below.
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}" if number == round(number, 2) else f"{number:.2f}"
