"""The two shapes of a log line: one JSON object (production) or one readable line
(development), both with the request/platform/course/task ids bound at the time
(config.log_context) and both cleaned of secrets as a whole (config.log_redaction).

`LOG_FORMAT=json|text` picks one (settings.LOGGING); JSON is the default unless DEBUG=1.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from .log_context import current
from .log_redaction import SECRET_PARAMS, redact

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
}
_SECRET_KEYS = {name.lower() for name in SECRET_PARAMS}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact(repr(value))


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    """Fields passed with `extra=`, secrets dropped by name and blanked by content."""
    return {
        key: _clean(value)
        for key, value in record.__dict__.items()
        if key not in _STANDARD and not key.startswith("_") and key.lower() not in _SECRET_KEYS
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the bound ids,
    any `extra=` fields, and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            **current(),
            **_extras(record),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger message [request_id=... course_id=...]`, traceback below."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(f"{key}={value}" for key, value in current().items())
        if context:
            head, newline, rest = line.partition("\n")
            line = f"{head} [{context}]{newline}{rest}"
        return redact(line)
