"""The generated badge image for achievements without an uploaded one.

A PNG (initials on a colour drawn from the achievement's id), carried by the credential as a
data URI so it needs no request to this tool to be displayed. It is the one source of the
badge's pixels: the pages show it, and the baked PNG and SVG downloads embed these same bytes
(credentials.baking), so the badge looks the same everywhere. A raster rather than an SVG
because two SVG renderers (the browser's and any Python one) never draw text pixel-equal.

Drawn once per deployment, not once per process: drawing takes ~25 ms, and every web and
worker process used to draw each achievement's badge again (a fresh worker on its first
credential, a fresh web process on every badge of an issuer's listing). The PNG is kept in the
shared cache (Redis, the database while Redis is down) and in each process's memory (ADR 0099).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

SIZE = 256  # CSS pixels the pages show it at, so a page shows exactly these pixels
_OVERSAMPLE = 4  # drawn larger and scaled down: smooth edges, same bytes on every run
# Dark enough for white text at WCAG AA contrast.
_PALETTE = ("#1f4e79", "#4b2e83", "#0b6e4f", "#8a1538", "#5c4033", "#2f4858", "#6a1b9a")


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:3]).upper() or "★"


# Bump when the drawing changes, so no process takes an older drawing from the cache.
_CACHE_PREFIX = "badge-png:1:"
_CACHE_S = 30 * 24 * 3600
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@functools.lru_cache(maxsize=256)
def badge_png(*, name: str, seed: str) -> bytes:
    """The badge as PNG bytes: from this process's memory, else from the shared cache, else
    drawn (and cached for the other processes)."""
    key = _cache_key(name=name, seed=seed)
    png = cache.get(key)
    # Signed into every credential: anything but a PNG from the cache is drawn again.
    if not (isinstance(png, bytes) and png.startswith(_PNG_SIGNATURE)):
        png = draw_badge(name=name, seed=seed)
        cache.set(key, png, timeout=_CACHE_S)
    return png


def _cache_key(*, name: str, seed: str) -> str:
    return _CACHE_PREFIX + hashlib.sha256(f"{name}\0{seed}".encode()).hexdigest()


def draw_badge(*, name: str, seed: str) -> bytes:
    """The badge as PNG bytes (SIZE × SIZE, opaque), the same bytes for the same inputs."""
    colour = _PALETTE[hashlib.sha256(seed.encode()).digest()[0] % len(_PALETTE)]
    big = SIZE * _OVERSAMPLE
    image = Image.new("RGB", (big, big), "#ffffff")
    draw = ImageDraw.Draw(image)
    scale = big / 256
    draw.ellipse((8 * scale, 8 * scale, 248 * scale, 248 * scale), fill=colour)
    draw.ellipse(
        (24 * scale, 24 * scale, 232 * scale, 232 * scale),
        outline="#ffffff",
        width=round(6 * scale),
    )
    text = initials(name)
    font = ImageFont.load_default(size=round((64 if len(text) < 3 else 52) * scale))
    draw.text((big / 2, big / 2), text, fill="#ffffff", font=font, anchor="mm")
    out = io.BytesIO()
    small = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    # 32 colours keep the edges smooth and the PNG (inside every credential) a few kB.
    small.quantize(colors=32, dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def badge_data_uri(*, name: str, seed: str) -> str:
    return "data:image/png;base64," + base64.b64encode(badge_png(name=name, seed=seed)).decode()
