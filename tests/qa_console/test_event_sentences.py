"""Every kind of audit event the code records has a sentence people read, so a new event
cannot reach the QA console as a bare code (`award.issued`)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from audit.event_kinds import EVENT_KINDS, EVENT_SENTENCES, UnknownEventKind
from audit.events import record_event
from audit.models import AuditEvent
from credentials.models import Credential

ROOT = Path(__file__).resolve().parents[2]
# Every package of the project (pyproject's import-linter list), the demo and sandbox too.
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]
# Helpers that pass their `action` argument on to record_event.
FORWARDERS = {"record_event", "EventInput", "_event", "_audit"}


def _constants(node: ast.AST) -> list[str]:
    """The string constants an argument can evaluate to (a literal, or either arm of `a if
    c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _emitted_kinds() -> set[str]:
    kinds: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                # `action = "a.b" if ok else "a.c"`, then passed on as `action`.
                if isinstance(node, ast.Assign) and any(
                    getattr(t, "id", "") == "action" for t in node.targets
                ):
                    kinds.update(_constants(node.value))
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in FORWARDERS:
                    continue
                for kw in node.keywords:
                    if kw.arg == "action":
                        kinds.update(_constants(kw.value))
                for arg in node.args:
                    kinds.update(k for k in _constants(arg) if "." in k and " " not in k)
    return kinds


def test_every_event_kind_the_code_records_has_a_sentence():
    emitted = _emitted_kinds()
    # The scan really finds the calls (it must not pass by finding nothing).
    assert {"award.issued", "version.submitted", "wallet.token_issued"} <= emitted
    assert len(emitted) >= 35
    # credentials.revocation records `credential.<new status>` (reinstated for active).
    emitted |= {
        f"credential.{s}" if s != Credential.Status.ACTIVE else "credential.reinstated"
        for s in Credential.Status.values
    }
    assert sorted(emitted - EVENT_KINDS) == []


def test_sentences_are_words_not_codes():
    for kind, sentence in EVENT_SENTENCES.items():
        text = str(sentence)
        assert text and kind not in text and "_" not in text, kind


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused_and_nothing_is_stored():
    with pytest.raises(UnknownEventKind, match="not registered"):
        record_event(
            actor="system:awarding", action="award.teleported", object_type="award", object_id="1"
        )
    assert not AuditEvent.objects.exists()
