"""Validation against the CLR 2.0 ClrCredential JSON Schema (bundled copy, 2019-09).

The CLR schema checks the record and only the outline of each embedded credential (its
`VerifiableCredential` definition); every embedded credential is checked against the OB 3.0
schema on its own by the verifier (`local_verification.verify_embedded`). jsonschema alone:
a record is verified far less often than a course credential is issued.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

CLR_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "clr_v2p0_clrcredential_schema.json"


@cache
def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(CLR_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema)


def clr_schema_problems(document: dict[str, Any]) -> list[str]:
    """Every CLR 2.0 schema violation, as '<path>: <message>' ([] when the record is valid)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
