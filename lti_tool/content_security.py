"""The Content-Security-Policy of the tool's pages.

Scripts run only from the tool's own origin or inline with this response's nonce (templates
write `<script nonce="{{ request.csp_nonce }}">`), so markup injected into a page cannot run
script even if escaping ever failed. Styles may be inline (the templates use style
attributes; CSS cannot run script). Framing is for registered platforms only
(`frame_ancestors`). A response that already has a policy keeps it: the launch's transit
pages use this one with `frame-ancestors *` (they must be framable before a platform's hosts
are known), the registration pages name the registering platform.
"""

from __future__ import annotations

import secrets


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def page_policy(*, nonce: str, frame_ancestors: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors}",
        )
    )
