"""Template helpers of the QA console: dates people can read, actors and events in words."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def local_time(value: datetime | None) -> SafeString | str:
    """`<time datetime="…Z">` with the date in the institution's time zone and the active
    language's format; local_time.js rewrites it in the viewer's locale and zone."""
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
