"""The README's screenshots, taken by the every-page sweep when SCREENSHOTS_DIR is set
(`make screenshots`): the main pages at 390 px and 1280 px, cut to a readable height and
stored as small palette PNGs (each well under 200 kB) so the repository stays light."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

# Sweep page -> file name under docs/images (the 390 px shot adds "-390").
SHOTS = {
    "landing": "landing",
    "dashboard": "instructor-dashboard",
    "setup": "setup",
    "rubric editor": "rubric-editor",
    "QA review": "qa-review",
    "audit log": "audit-log",
    "learner": "learner-view",
    "credential": "credential-page",
    "verify (result)": "verification-page",
}
# Taller than this is cut: the top of a page says what it is.
MAX_HEIGHT = {390: 2200, 1280: 1400}
COLOURS = 128


def wanted_dir() -> Path | None:
    where = os.environ.get("SCREENSHOTS_DIR")
    return Path(where) if where else None


def shrink(png: bytes, *, max_height: int) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    small = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(page, name: str, width: int) -> None:
    """Save the page's screenshot if screenshots are wanted and `name` is one of SHOTS."""
    where = wanted_dir()
    if where is None or name not in SHOTS:
        return
    stem = SHOTS[name] + ("-390" if width == 390 else "")
    png = page.screenshot(full_page=True, animations="disabled")
    (where / f"{stem}.png").write_bytes(shrink(png, max_height=MAX_HEIGHT[width]))
