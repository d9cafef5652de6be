"""Celery tasks' log lines name the task, its id, the course it works on, and the request
that queued it.

`before_task_publish` copies the current request id into the message's headers; a worker's
`task_prerun` binds it back with the task's own id and name and, when the task's keyword
arguments name them, the course and platform; `task_postrun` unbinds. Tasks run in-process
(no broker) keep the request's own context and add the task's on top.
"""

from __future__ import annotations

from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

from .log_context import Bound, bind, current, unbind

HEADER = "credbridge_request_id"
_bound: dict[str, Bound] = {}


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = current().get("request_id")
    if headers is not None and request_id:
        headers[HEADER] = request_id


def _from_request(task: Any) -> object | None:
    request = getattr(task, "request", None)
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    return value


@task_prerun.connect
def _bind_task(task_id: str | None = None, task: Any = None, kwargs: Any = None, **_: Any) -> None:
    if task_id is None:
        return
    kwargs = kwargs if isinstance(kwargs, dict) else {}
    _bound[task_id] = bind(
        request_id=_from_request(task),
        task_id=task_id,
        task=getattr(task, "name", None),
        course_id=kwargs.get("course_id"),
        platform_id=kwargs.get("platform_id"),
    )


@task_postrun.connect
def _unbind_task(task_id: str | None = None, **_: Any) -> None:
    tokens = _bound.pop(task_id, None) if task_id is not None else None
    if tokens:
        unbind(tokens)
