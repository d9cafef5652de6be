"""Each LMS's differences live behind its adapter (lti_tool/platforms/): production code
elsewhere never branches on which LMS it talks to. This test keeps the rule true.

Flagged, in every production module outside lti_tool/platforms/ and migrations:
- a comparison (==, !=, in, not in, is) with an LMS name ("moodle", "canvas"), with a
  platform's flavour / product family (`platform.flavour == x`, `product_family(c) == x`),
  or with anything named after an LMS (`Platform.Flavour.CANVAS`, `KNOWN_CANVAS_ISSUERS`);
- a dict keyed by LMS names (a lookup table is a branch too);
- a `match` case on an LMS name.
Asking the factory for an adapter by name (`adapter_class("canvas")`) is not a branch.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("config", "audit", "lti_tool", "assessments", "rubrics", "awarding", "credentials")
ADAPTERS = ROOT / "lti_tool" / "platforms"
LMS_NAMES = {"moodle", "canvas"}
FAMILY_WORDS = {"flavour", "family", "product_family", "product_family_code"}


def _names_an_lms(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip().lower() in LMS_NAMES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_an_lms(e) for e in node.elts)
    return False


def _mentions_an_lms(identifier: str) -> bool:
    return any(name in identifier.lower() for name in LMS_NAMES)


def _reads_the_family(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in FAMILY_WORDS or _mentions_an_lms(node.attr)
    if isinstance(node, ast.Name):
        return node.id in FAMILY_WORDS or _mentions_an_lms(node.id)
    if isinstance(node, ast.Call):
        return _reads_the_family(node.func)
    if isinstance(node, ast.Subscript):  # config["product_family_code"]
        return _names_family_key(node.slice) or _reads_the_family(node.value)
    return False


def _names_family_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in FAMILY_WORDS


def branches_on_lms(source: str, filename: str = "<source>") -> list[str]:
    """Each place in `source` that decides by which LMS it is, as "file:line: code"."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        hit = False
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            hit = any(_names_an_lms(o) or _reads_the_family(o) for o in operands)
        elif isinstance(node, ast.Dict):
            hit = any(k is not None and _names_an_lms(k) for k in node.keys)
        elif isinstance(node, ast.match_case):
            hit = any(
                isinstance(p, ast.MatchValue) and _names_an_lms(p.value)
                for p in ast.walk(node.pattern)
            )
        if hit:
            line = source.splitlines()[node.lineno - 1].strip() if hasattr(node, "lineno") else ""
            found.append(f"{filename}:{getattr(node, 'lineno', '?')}: {line}")
    return found


def production_modules() -> list[Path]:
    modules = []
    for package in PRODUCTION:
        for path in sorted((ROOT / package).rglob("*.py")):
            if ADAPTERS in path.parents or "migrations" in path.parts:
                continue
            modules.append(path)
    return modules


def test_no_lms_branches_outside_the_adapters():
    modules = production_modules()
    assert len(modules) > 50  # the scan really reads the apps
    found = [
        hit
        for path in modules
        for hit in branches_on_lms(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == [], (
        "Per-LMS decisions belong in lti_tool/platforms/ (a method of PlatformAdapter, with "
        "the LMS source that justifies it):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "code",
    [
        'if platform.flavour == "moodle":\n    pass',
        'if family == "canvas":\n    pass',
        'x = product_family(data) == "canvas"',
        'ok = platform.flavour in ("canvas", "generic")',
        "ok = platform.flavour == Platform.Flavour.CANVAS",
        'ok = config["product_family_code"] != expected',
        'FLAVOURS = {"moodle": "moodle", "canvas": "canvas"}',
        'match name:\n    case "Moodle":\n        pass',
        'if "canvas" == kind:\n    pass',
        "shared = issuer in KNOWN_CANVAS_ISSUERS",
        "if is_moodle(platform) is True:\n    pass",
    ],
)
def test_the_rule_sees_each_kind_of_branch(code):
    assert branches_on_lms(code)


@pytest.mark.parametrize(
    "code",
    [
        'adapter = adapter_class("canvas")()',
        "adapter = get_adapter(platform)",
        'platform.flavour = o["flavour"]',
        'MOODLE = "moodle", "Moodle"',
        'if status == "Active":\n    pass',
        '"""Moodle answers PHP errors as an HTML 404."""',
    ],
)
def test_the_rule_lets_the_adapter_factory_and_plain_code_be(code):
    assert branches_on_lms(code) == []
