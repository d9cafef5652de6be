"""What the apps above lti_tool plug into a launch, so lti_tool imports none of them.

lti_tool is the protocol edge at the bottom of the LTI side (ADR 0005): it verifies a launch
but does not know where a course and a person are stored nor which page each role lands on.
The app that stores them (assessments) registers a recorder, the app that owns the pages
(awarding) registers the landing URL names, each in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# record(platform=..., claims=..., roles=...) -> (course or None, learner); both are model rows
# with a pk, passed on to the launch session and the launch_verified listeners.
LaunchRecorder = Callable[..., tuple[Any, Any]]


@dataclass(frozen=True)
class Landings:
    """URL names (for reverse()) a verified resource link launch is sent to, by role."""

    instructor: str
    learner: str


_recorder: LaunchRecorder | None = None
_landings: Landings | None = None


def register_launch_recorder(recorder: LaunchRecorder) -> None:
    global _recorder
    _recorder = recorder


def register_landings(*, instructor: str, learner: str) -> None:
    global _landings
    _landings = Landings(instructor=instructor, learner=learner)


def launch_recorder() -> LaunchRecorder:
    # A missing registration is a deployment mistake (an app left out of INSTALLED_APPS):
    # say which, rather than fail later on None.
    if _recorder is None:
        raise ImproperlyConfigured(
            "No launch recorder registered: is 'assessments' in INSTALLED_APPS?"
        )
    return _recorder


def landings() -> Landings:
    if _landings is None:
        raise ImproperlyConfigured("No launch landings registered: is 'awarding' installed?")
    return _landings
