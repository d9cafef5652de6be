"""The `LOGGING` dictionary settings.py hands to Django: one handler on standard error, the
redaction filter on it, and the formatter `LOG_FORMAT` names (config.log_format)."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

LOG_FORMATS = frozenset({"json", "text"})


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """JSON (production: what a log shipper reads) or text (development); both carry the
    request, platform, course and task ids."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured("LOG_FORMAT is json or text.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # Launch tokens travel in URLs (`?lt=`), LTI and OAuth tokens in bodies and headers; no
        # log line may carry one (config.log_redaction): the filter cleans the message, the
        # formatters the whole line with its traceback.
        "filters": {"redact_secrets": {"()": "config.log_redaction.RedactSecrets"}},
        "formatters": {
            "json": {"()": "config.log_format.JsonFormatter"},
            "text": {"()": "config.log_format.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["redact_secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # runserver's request lines: Django's default sends them to a handler of its own,
            # which would bypass the filter.
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
