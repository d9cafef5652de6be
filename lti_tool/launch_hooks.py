"""What the apps above lti_tool plug into a launch, so lti_tool imports none of them.

lti_tool is the protocol edge at the bottom of the LTI side (ADR 0005): it verifies a launch
but does not know where a course and a person are stored nor which page each role lands on.
The app that stores them (assessments) registers a recorder, the app that owns the pages
(awarding) registers the landing URL names, each in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

# record(platform=..., claims=..., roles=...) -> (course or None, learner); both are model rows
# with a pk, passed on to the launch session and the launch_verified listeners.
LaunchRecorder = Callable[..., tuple[Any, Any]]
# offer(platform_id=..., claims=...) -> a prepared read (lti_tool.prepared_reads.BoundRead) the
# recorder would make for these claims, or None. The launch sends it with its platform read,
# keyed by the claims *before* verification (ADR 0083), and hands the recorder the read with
# its answer (`offered=`): the recorder uses the answer only if the verified claims make the
# same read.
LaunchReadOffer = Callable[..., Any]


@dataclass(frozen=True)
class Landings:
    """URL names (for reverse()) a verified resource link launch is sent to, by role."""

    instructor: str
    learner: str


_recorder: LaunchRecorder | None = None
_read_offer: LaunchReadOffer | None = None
_landings: Landings | None = None


def register_launch_recorder(
    recorder: LaunchRecorder, *, read_offer: LaunchReadOffer | None = None
) -> None:
    global _recorder, _read_offer
    _recorder, _read_offer = recorder, read_offer


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


def launch_read_offer() -> LaunchReadOffer | None:
    """The recorder's read to send ahead with the launch's platform, if it registered one."""
    return _read_offer


def landings() -> Landings:
    if _landings is None:
        raise ImproperlyConfigured("No launch landings registered: is 'awarding' installed?")
    return _landings


# What a Deep Linking placement shows. lti_tool builds the picker and the signed response;
# the app that knows what there is to show (awarding: achievements) registers a catalog. The
# chosen item's key travels to the LMS as a custom parameter of the resource link and comes
# back in every launch of that placement (LaunchContext.placement).
PLACEMENT_PARAM = "credbridge_placement"


@dataclass(frozen=True)
class PlacementLineItem:
    """A grade column the placement asks the LMS to create with the link."""

    label: str
    score_maximum: float
    tag: str = ""
    resource_id: str = ""


@dataclass(frozen=True)
class PlacementChoice:
    key: str  # opaque to lti_tool
    title: str  # the link's title in the course
    detail: str = ""  # one line for the instructor choosing
    line_item: PlacementLineItem | None = None


class PlacementCatalog(Protocol):
    """What an instructor may place (`launch` is the deep linking launch's LaunchContext)."""

    def choices(self, launch: Any) -> list[PlacementChoice]: ...

    def create(
        self, launch: Any, *, name: str, description: str, criteria: str
    ) -> PlacementChoice: ...


_catalog: PlacementCatalog | None = None


def register_placement_catalog(catalog: PlacementCatalog) -> None:
    global _catalog
    _catalog = catalog


def placement_catalog() -> PlacementCatalog | None:
    """The registered catalog, or None: then the picker places the tool's overview only."""
    return _catalog
