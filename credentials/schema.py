"""Validation against the OB 3.0 AchievementCredential and EndorsementCredential JSON Schemas
(bundled copies). A document typed `EndorsementCredential` is held to the endorsement schema,
every other one to the AchievementCredential schema.

jsonschema (2019-09) is the authority and words the errors. fastjsonschema's compiled
validator answers first (~5x faster): the schema uses only keywords whose meaning
is the same in draft-07 and no `$ref` with sibling keywords, so it compiles as draft-07. A
document it accepts is valid; anything it refuses is re-checked by jsonschema (which, for
example, treats `format` as an annotation only), so the two can only differ in speed.

The achievement is most of a credential and the same in every credential of an award (its
criteria, alignments and the ~9 kB badge image), so the fast check validates it once per
distinct achievement: the schema refers to `Achievement` in exactly one place, as a plain
`$ref` under AchievementSubject's `properties`, so "the document is valid" is exactly "the
document is valid with Achievement accepting anything, and its achievement is a valid
Achievement" (checked when the schema is loaded; otherwise the whole document is validated).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

SCHEMA_PATH = (
    Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
)


ENDORSEMENT_SCHEMA_PATH = SCHEMA_PATH.parent / "ob_v3p0_endorsementcredential_schema.json"


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(_schema())


# fastjsonschema names each array item it descends into for its error messages with
# `"...[{i}]".format(**locals())`: a dict of every local of a validation function (hundreds in
# the credential's), built for every item, valid or not. Only accept/refuse is used here (the
# words come from jsonschema), so the names are formatted from the one or two variables they
# mention instead, and without the detailed exceptions (242 -> 90 us a credential).
_NAME_FORMAT = re.compile(r'("[^"\n]*")\.format\(\*\*locals\(\)\)')


def _explicit_format(match: re.Match[str]) -> str:
    names = dict.fromkeys(re.findall(r"\{(\w+)\}", match.group(1)))
    return match.group(1) + ".format(" + ", ".join(f"{n}={n}" for n in names) + ")"


def _draft07(schema: dict[str, Any]) -> Callable[[Any], Any]:
    definition = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    code = fastjsonschema.compile_to_code(definition, detailed_exceptions=False)
    namespace: dict[str, Any] = {}
    exec(_NAME_FORMAT.sub(_explicit_format, code), namespace)  # noqa: S102 - fastjsonschema's own code
    entry = re.search(r"^def (\w+)\(", code, re.MULTILINE)
    if entry is None:
        raise RuntimeError("fastjsonschema generated no validation function")
    validate: Callable[[Any], Any] = namespace[entry.group(1)]
    return validate


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [*([node["$ref"]] if "$ref" in node else []), *_refs(list(node.values()))]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


ACHIEVEMENT_REF = "#/$defs/Achievement"


def _achievement_split(schema: dict[str, Any]) -> bool:
    """True when Achievement is used only as AchievementSubject.properties.achievement."""
    defs = schema.get("$defs", {})
    use = defs.get("AchievementSubject", {}).get("properties", {}).get("achievement")
    return _refs(schema).count(ACHIEVEMENT_REF) == 1 and use == {"$ref": ACHIEVEMENT_REF}


def _accepting(compiled: Callable[[Any], Any]) -> Callable[[Any], bool]:
    def accepts(value: Any) -> bool:
        try:
            compiled(value)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return accepts


@cache
def _fast_accepts() -> Callable[[dict[str, Any]], bool]:
    schema = _schema()
    if not _achievement_split(schema):
        return _accepting(_draft07(schema))
    rest = _accepting(_draft07({**schema, "$defs": {**schema["$defs"], "Achievement": True}}))
    achievement_accepts = _accepting(
        _draft07({"$id": schema["$id"], "$defs": schema["$defs"], "$ref": ACHIEVEMENT_REF})
    )

    @lru_cache(maxsize=256)
    def achievement_valid(achievement_json: str) -> bool:
        return achievement_accepts(json.loads(achievement_json))

    def accepts(document: dict[str, Any]) -> bool:
        subject = document.get("credentialSubject") if isinstance(document, dict) else None
        if isinstance(subject, dict) and "achievement" in subject:
            try:
                key = json.dumps(subject["achievement"], sort_keys=True)
            except (TypeError, ValueError):
                return False  # not JSON: let jsonschema say what is wrong
            if not achievement_valid(key):
                return False
        return rest(document)

    return accepts


def is_endorsement(document: object) -> bool:
    """Whether `document` says it is an OB 3.0 EndorsementCredential."""
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    return "EndorsementCredential" in (types if isinstance(types, list) else [types])


@cache
def _endorsement_validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(ENDORSEMENT_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema)


def _worded(errors: list[jsonschema.ValidationError]) -> list[str]:
    errors = sorted(errors, key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


def compile_validators() -> None:
    """Compile the fast AchievementCredential check now rather than on the first credential
    checked (about a tenth of a second): a worker calls it when it starts, before its pool
    forks (`credentials.apps` connects it to Celery's `worker_init`; ADR 0096)."""
    _fast_accepts()


def schema_problems(document: dict[str, Any]) -> list[str]:
    """Every schema violation, as '<path>: <message>' ([] when the document is valid)."""
    if is_endorsement(document):
        # Endorsements are few and small (no badge image): jsonschema alone is fast enough.
        return _worded(list(_endorsement_validator().iter_errors(document)))
    if _fast_accepts()(document):
        return []
    return _worded(list(_validator().iter_errors(document)))
