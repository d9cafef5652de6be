"""Validation against the OB 3.0 AchievementCredential JSON Schema (bundled copy)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

SCHEMA_PATH = (
    Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
)


@cache
def _validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def schema_problems(document: dict) -> list[str]:
    """Every schema violation, as '<path>: <message>' ([] when the document is valid)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
