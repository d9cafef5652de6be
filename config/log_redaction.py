"""Keep launch tokens out of the logs.

Pages inside the LMS iframe carry the launch token in their URLs (`?lt=`: no cookie to carry
it), so request lines and Referer headers would copy live tokens into access logs. Two places
write such lines: Django's own loggers (runserver's `django.server`, anything logging a URL)
through the `RedactSecrets` filter on every handler of LOGGING, and gunicorn's access log
through `RedactingGunicornLogger` (gunicorn.conf.py names it).
"""

from __future__ import annotations

import logging
import re

# Query parameters whose value is a bearer secret.
SECRET_PARAMS = ("lt",)
REDACTED = "[redacted]"
_PATTERN = re.compile(
    r"(?P<lead>(?:^|[?&;]|%3F|%26)(?:" + "|".join(SECRET_PARAMS) + r")(?:=|%3D))[^&;\s\"'#]*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    if "=" not in text and "%3D" not in text.upper():
        return text
    return _PATTERN.sub(lambda m: m.group("lead") + REDACTED, text)


class RedactSecrets(logging.Filter):
    """A handler filter: the formatted message, with every launch token replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logging's problem, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is the production server; tests may run without it
    _GunicornLogger = None  # type: ignore[assignment,misc]

if _GunicornLogger is not None:

    class RedactingGunicornLogger(_GunicornLogger):
        """gunicorn's logger, with the access-log atoms (request line, query, Referer, any
        header) cleaned of launch tokens before the access_log_format is applied."""

        def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
            values = super().atoms(resp, req, environ, request_time)
            return {k: redact(v) if isinstance(v, str) else v for k, v in values.items()}
