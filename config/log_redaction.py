"""Keep secrets and tokens out of the logs.

Pages inside the LMS iframe carry the launch token in their URLs (`?lt=`: no cookie to carry
it), so request lines and Referer headers would copy live tokens into access logs; an LTI
launch posts an `id_token`, a service-token request a `client_assertion`, and the answer an
`access_token`, any of which an error message or a logged URL, body or header dict could
repeat. `redact` blanks all of them: named secrets in query strings, forms, JSON, dict reprs
and headers (`Authorization: Bearer ...`), any JWT wherever it stands, and PEM private keys.
Three places apply it: the `RedactSecrets` filter on every handler of LOGGING (the message),
the formatters of config.log_format (the whole line, exception text included), and gunicorn's
access log through `RedactingGunicornLogger` (gunicorn.conf.py names it).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# Names whose value is a bearer secret: the launch token (`lt`), LTI's and OAuth's tokens and
# assertions, Dynamic Registration's one-time token, and the usual suspects.
SECRET_PARAMS = (
    "lt",
    "id_token",
    "client_assertion",
    "assertion",
    "access_token",
    "refresh_token",
    "registration_token",
    "token",
    "authorization",
    "password",
    "secret",
    "secret_key",
    "api_key",
    "sesskey",
    "code_verifier",
)
# name=value, name%3Dvalue (URL-encoded in a Referer), "name": "value", 'name': 'value',
# name: value (a header); a value may start with an auth scheme ("Bearer abc").
_NAMED = re.compile(
    r"(?P<lead>(?:(?<![A-Za-z0-9_%])|(?<=%3F)|(?<=%26))(?:" + "|".join(SECRET_PARAMS) + r")"
    r"[\"']?\s*(?:=|%3D|:)\s*[\"']?)"
    r"(?:(?:Bearer|Basic|JWT)\s+)?[^\s\"'&;,<>#}]*",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"(?P<lead>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_PEM = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
)


def redact(text: str) -> str:
    """`text` with every secret it carries replaced by [redacted]."""
    text = _PEM.sub(REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    text = _SCHEME.sub(lambda m: m.group("lead") + REDACTED, text)
    return _NAMED.sub(lambda m: m.group("lead") + REDACTED, text)


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
    _GunicornLogger = None

if _GunicornLogger is not None:

    class RedactingGunicornLogger(_GunicornLogger):
        """gunicorn's logger, with the access-log atoms (request line, query, Referer, any
        header) cleaned of launch tokens before the access_log_format is applied."""

        def atoms(self, resp, req, environ, request_time):
            values = super().atoms(resp, req, environ, request_time)
            return {k: redact(v) if isinstance(v, str) else v for k, v in values.items()}
