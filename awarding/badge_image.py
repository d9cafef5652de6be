"""A generated badge image for achievements without an uploaded one.

A small SVG (initials on a colour drawn from the achievement's id) as a data URI, so the
credential carries its image and needs no request to this tool to be displayed.
"""

from __future__ import annotations

import base64
import hashlib
from xml.sax.saxutils import escape

# Dark enough for white text at WCAG AA contrast.
_PALETTE = ("#1f4e79", "#4b2e83", "#0b6e4f", "#8a1538", "#5c4033", "#2f4858", "#6a1b9a")


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:3]).upper() or "★"


def badge_svg(*, name: str, seed: str) -> str:
    colour = _PALETTE[hashlib.sha256(seed.encode()).digest()[0] % len(_PALETTE)]
    text = escape(initials(name))
    title = escape(name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
        'viewBox="0 0 256 256" role="img">'
        f"<title>{title}</title>"
        f'<circle cx="128" cy="128" r="120" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#fff" stroke-width="6"/>'
        '<text x="128" y="148" font-family="sans-serif" font-size="64" font-weight="bold" '
        f'fill="#fff" text-anchor="middle">{text}</text></svg>'
    )


def badge_data_uri(*, name: str, seed: str) -> str:
    svg = badge_svg(name=name, seed=seed).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
