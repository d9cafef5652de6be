"""The docs a newcomer reads first stay true to the tree: every ADR is indexed, and every
file the architecture page names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECISIONS = ROOT / "docs" / "decisions"


def test_every_decision_record_is_in_the_index():
    index = (DECISIONS / "README.md").read_text()
    records = sorted(p.name for p in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert records, "no decision records found"
    missing = [name for name in records if f"]({name})" not in index]
    assert missing == [], f"add these to docs/decisions/README.md: {missing}"
    linked = re.findall(r"\]\((\d{4}-[^)]+\.md)\)", index)
    dangling = [name for name in linked if not (DECISIONS / name).exists()]
    assert dangling == [], f"the index links records that do not exist: {dangling}"


def test_decision_numbers_are_unique():
    numbers = [p.name[:4] for p in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md")]
    assert len(numbers) == len(set(numbers)), sorted(numbers)


def _repository_path(token: str) -> Path | None:
    """`app/module.py`, `app/folder/` or `app/module.function` as a path in this repository;
    None for anything else (citations of the LMSs' own files, URLs)."""
    top = token.split("/", 1)[0]
    if not (ROOT / top).is_dir() or top in {"docs"}:
        return None
    if token.endswith(("/", ".py")):
        return ROOT / token.rstrip("/")
    head, _, tail = token.rpartition("/")
    module = tail.split(".", 1)[0]
    if tail.endswith((".js", ".css")):
        return ROOT / token
    if "." in tail and not tail.endswith((".json", ".md", ".html", ".txt")):
        return ROOT / head / f"{module}.py"
    return None


def test_files_named_on_the_architecture_page_exist():
    text = (ROOT / "docs" / "architecture.md").read_text()
    tokens = re.findall(r"`([a-z_]+/[A-Za-z0-9_/.]+)", text)
    paths = {t: _repository_path(t) for t in tokens}
    checked = {t: p for t, p in paths.items() if p is not None}
    assert len(checked) > 20, "the architecture page names too few files to be a map"
    missing = sorted(t for t, p in checked.items() if not p.exists())
    assert missing == [], f"docs/architecture.md names files that do not exist: {missing}"
