"""Validation against the OB 3.0 AchievementCredential JSON Schema (bundled copy).

jsonschema (2019-09) is the authority and words the errors. fastjsonschema's compiled
validator answers first (~5x faster): the schema uses only keywords whose meaning
is the same in draft-07 and no `$ref` with sibling keywords, so it compiles as draft-07. A
document it accepts is valid; anything it refuses is re-checked by jsonschema (which, for
example, treats `format` as an annotation only), so the two can only differ in speed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

SCHEMA_PATH = (
    Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
)


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(_schema())


@cache
def _fast_accepts() -> Callable[[dict[str, Any]], bool]:
    compiled = fastjsonschema.compile(
        {**_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    )

    def accepts(document: dict[str, Any]) -> bool:
        try:
            compiled(document)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return accepts


def schema_problems(document: dict[str, Any]) -> list[str]:
    """Every schema violation, as '<path>: <message>' ([] when the document is valid)."""
    if _fast_accepts()(document):
        return []
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
