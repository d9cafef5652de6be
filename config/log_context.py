"""What every log line says about where it comes from: request, platform, course, task.

The values live in context variables, so they follow the code that runs for one request or
one task (threads and asyncio tasks each have their own), and `config.log_format` writes them
into every line without any call site passing them along. The request-id middleware binds the
request id, the platform and course of the launch; Celery's signals bind the task
(config.task_log_context). Nothing secret belongs here: these are ids only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

FIELDS = ("request_id", "platform_id", "course_id", "task_id", "task")
_VARS: dict[str, ContextVar[object | None]] = {
    name: ContextVar(f"credbridge_log_{name}", default=None) for name in FIELDS
}

Bound = list[tuple[ContextVar[object | None], Token[object | None]]]


def bind(**values: object) -> Bound:
    """Set these fields (None values are skipped); returns what `unbind` needs to undo it."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown log context fields: {sorted(unknown)}")
    return [
        (_VARS[name], _VARS[name].set(value)) for name, value in values.items() if value is not None
    ]


def unbind(bound: Bound) -> None:
    """Put the fields back as they were before the matching `bind` (innermost first)."""
    for var, token in reversed(bound):
        try:
            var.reset(token)
        except ValueError:  # bound in another context (a thread handed the work over)
            var.set(None)


@contextmanager
def bound(**values: object) -> Iterator[None]:
    tokens = bind(**values)
    try:
        yield
    finally:
        unbind(tokens)


def current() -> dict[str, object]:
    """The fields bound now (unset ones left out)."""
    return {name: var.get() for name, var in _VARS.items() if var.get() is not None}
