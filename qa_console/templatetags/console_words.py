"""Template helpers of the QA console: dates people can read, actors and events in words."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from awarding.models import Award

from ..decision_words import outcome_sentence, trigger_sentence

register = template.Library()


@register.simple_tag
def local_time(value: datetime | str | None) -> SafeString | str:
    """`<time datetime="…Z">` with the date in the institution's time zone and the active
    language's format; local_time.js rewrites it in the viewer's locale and zone. Takes a
    datetime or the ISO-8601 text stored in decision snapshots."""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text  # not a date after all: shown as it is
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    shown = date_format(value, get_format("DATETIME_FORMAT"))
    zone = date_format(value, "T")
    iso = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return format_html('<time datetime="{}" data-local-time>{} {}</time>', iso, shown, zone)


@register.filter
def lookup(mapping: dict, key: object) -> object:
    """`mapping[key]`, or the key itself when it is not there."""
    return mapping.get(key, key) if mapping else key


@register.filter
def outcome_words(outcome: str) -> str:
    """met / not_met / insufficient_evidence as a sentence."""
    return outcome_sentence(outcome)


@register.filter
def trigger_words(trigger: str) -> str:
    """What started an evaluation ("sync", "version_activated") in words."""
    return trigger_sentence(trigger)


@register.filter
def award_state_words(state: str) -> str:
    """An award's state code ("held") as its label ("Waiting for instructor confirmation")."""
    return str(dict(Award.State.choices).get(state, state))
