"""Does a person's set of credentials meet a pathway? Pure: plain data in, `Progress` out.

A pathway needs components (particular achievements: all of them, or N of them, each
optionally at a minimum proficiency level) and competency requirements ("3 credentials
aligned to DigComp 5 at level Intermediate 3 or higher"), optionally all issued within a
window of D days. Progress counts units: the components it needs, plus each competency
requirement's count; "k of N" is units met of units needed. A credential may count for a
component and for a competency requirement at once: they are separate conditions (ADR 0065).

No ORM, no HTTP: `pathways.holdings` builds the inputs, the tests build them by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ALL = "all"
N_OF = "n_of"

HELD = "held"
MISSING = "missing"
BELOW_LEVEL = "below_level"
EXPIRED = "expired"
OUTSIDE_WINDOW = "outside_window"


class PathwaySpecError(ValueError):
    """A pathway that cannot be evaluated; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """A competence a credential shows: framework slug, competence code, level position."""

    framework: str
    code: str
    level: int | None = None


@dataclass(frozen=True, slots=True)
class HeldCredential:
    """A live, valid credential of the person (any of their linked accounts)."""

    award_id: int
    achievement_id: int
    name: str
    issued_at: datetime
    alignments: tuple[Alignment, ...] = ()
    valid_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class LevelBound:
    """At least this proficiency level (its position) of this framework."""

    framework: str
    level: int
    name: str


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    achievement_id: int
    name: str
    min_level: LevelBound | None = None


@dataclass(frozen=True, slots=True)
class CompetencySpec:
    """`count` credentials aligned to `code` (an area such as "5" takes in "5.1"…"5.4")."""

    framework: str
    code: str
    title: str
    count: int
    min_level: LevelBound | None = None


@dataclass(frozen=True, slots=True)
class PathwaySpec:
    components: tuple[ComponentSpec, ...] = ()
    rule: str = ALL
    required: int | None = None  # N of an N-of rule
    competencies: tuple[CompetencySpec, ...] = ()
    window_days: int | None = None

    @property
    def needed_components(self) -> int:
        if self.rule == N_OF and self.required is not None:
            return self.required
        return len(self.components)

    @property
    def total(self) -> int:
        return self.needed_components + sum(c.count for c in self.competencies)


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    component: ComponentSpec
    status: str  # HELD, MISSING, BELOW_LEVEL, EXPIRED, OUTSIDE_WINDOW
    credential: HeldCredential | None = None


@dataclass(frozen=True, slots=True)
class CompetencyStatus:
    requirement: CompetencySpec
    credentials: tuple[HeldCredential, ...]

    @property
    def met(self) -> bool:
        return len(self.credentials) >= self.requirement.count


@dataclass(frozen=True, slots=True)
class Progress:
    met: bool
    done: int
    total: int
    counted: tuple[HeldCredential, ...]  # the credentials that count: the stacked evidence
    components: tuple[ComponentStatus, ...]
    competencies: tuple[CompetencyStatus, ...]
    sentences: tuple[str, ...]

    @property
    def missing(self) -> int:
        return self.total - self.done


def validate(spec: PathwaySpec) -> PathwaySpec:
    """Raise PathwaySpecError naming the first problem; return the spec when evaluable."""
    if not spec.components and not spec.competencies:
        raise PathwaySpecError(_("A pathway needs at least one component or competency."))
    if spec.rule not in (ALL, N_OF):
        raise PathwaySpecError(_("The rule must be “all of” or “N of”."))
    seen: set[int] = set()
    for component in spec.components:
        if component.achievement_id in seen:
            raise PathwaySpecError(_("“%(name)s” is a component twice.") % {"name": component.name})
        seen.add(component.achievement_id)
    if spec.rule == N_OF and not (
        spec.required is not None and 1 <= spec.required <= len(spec.components)
    ):
        raise PathwaySpecError(
            _("N of the components: N must be between 1 and %(n)d.") % {"n": len(spec.components)}
        )
    for requirement in spec.competencies:
        if requirement.count < 1:
            raise PathwaySpecError(_("A competency requirement needs at least one credential."))
    if spec.window_days is not None and spec.window_days < 1:
        raise PathwaySpecError(_("The time window is at least one day."))
    return spec


def evaluate(spec: PathwaySpec, held: Iterable[HeldCredential], *, now: datetime) -> Progress:
    """The person's progress: met or not, k of N, what counts, and why, in sentences.

    With a time window, every window that starts at one of the credentials' issue dates is
    tried; a window that meets the pathway wins, else the one with the most progress (the
    latest of equals: the one the person can still complete).
    """
    validate(spec)
    everything = sorted(held, key=lambda h: (h.issued_at, h.award_id))
    valid = [h for h in everything if h.valid_until is None or h.valid_until > now]
    expired = [h for h in everything if h not in valid]
    if spec.window_days is None:
        best = _progress(spec, valid, expired=expired, outside=())
    else:
        span = timedelta(days=spec.window_days)
        best = _progress(spec, (), expired=expired, outside=valid)
        for start in valid:
            inside = [h for h in valid if start.issued_at <= h.issued_at <= start.issued_at + span]
            outside = [h for h in valid if h not in inside]
            candidate = _progress(spec, inside, expired=expired, outside=outside)
            if (candidate.met, candidate.done) >= (best.met, best.done) and not best.met:
                best = candidate
    return best


def _meets_level(credential: HeldCredential, bound: LevelBound | None) -> bool:
    if bound is None:
        return True
    return any(
        a.framework == bound.framework and a.level is not None and a.level >= bound.level
        for a in credential.alignments
    )


def _aligned(credential: HeldCredential, requirement: CompetencySpec) -> bool:
    prefix = requirement.code + "."
    return any(
        a.framework == requirement.framework
        and (a.code == requirement.code or a.code.startswith(prefix))
        and (
            requirement.min_level is None
            or (a.level is not None and a.level >= requirement.min_level.level)
        )
        for a in credential.alignments
    )


def _component_status(
    component: ComponentSpec,
    inside: Sequence[HeldCredential],
    *,
    expired: Sequence[HeldCredential],
    outside: Sequence[HeldCredential],
) -> ComponentStatus:
    mine = [h for h in inside if h.achievement_id == component.achievement_id]
    good = [h for h in mine if _meets_level(h, component.min_level)]
    if good:
        return ComponentStatus(component, HELD, good[-1])
    if mine:
        return ComponentStatus(component, BELOW_LEVEL, mine[-1])
    for status, pool in ((OUTSIDE_WINDOW, outside), (EXPIRED, expired)):
        late = [h for h in pool if h.achievement_id == component.achievement_id]
        if late:
            return ComponentStatus(component, status, late[-1])
    return ComponentStatus(component, MISSING)


def _progress(
    spec: PathwaySpec,
    inside: Sequence[HeldCredential],
    *,
    expired: Sequence[HeldCredential],
    outside: Sequence[HeldCredential],
) -> Progress:
    components = tuple(
        _component_status(c, inside, expired=expired, outside=outside) for c in spec.components
    )
    held = [s.credential for s in components if s.status == HELD and s.credential is not None]
    competencies = tuple(
        # The most recent aligned credentials count (a learner's newest work).
        CompetencyStatus(r, tuple(h for h in reversed(inside) if _aligned(h, r))[: r.count])
        for r in spec.competencies
    )
    needed = spec.needed_components
    done = min(len(held), needed) + sum(len(s.credentials) for s in competencies)
    met = len(held) >= needed and all(s.met for s in competencies)
    counted: dict[int, HeldCredential] = {h.award_id: h for h in held}
    for status in competencies:
        counted.update((h.award_id, h) for h in status.credentials)
    return Progress(
        met=met,
        done=done,
        total=spec.total,
        counted=tuple(sorted(counted.values(), key=lambda h: (h.issued_at, h.award_id))),
        components=components,
        competencies=competencies,
        sentences=_sentences(spec, components, competencies, met=met, done=done),
    )


def _level_words(bound: LevelBound | None) -> str:
    return _(" at level %(level)s or higher") % {"level": bound.name} if bound else ""


def _sentences(
    spec: PathwaySpec,
    components: Sequence[ComponentStatus],
    competencies: Sequence[CompetencyStatus],
    *,
    met: bool,
    done: int,
) -> tuple[str, ...]:
    said = [
        _("Met: %(done)d of %(total)d.") % {"done": done, "total": spec.total}
        if met
        else _("Not met yet: %(done)d of %(total)d.") % {"done": done, "total": spec.total}
    ]
    if spec.components and spec.rule == N_OF:
        said.append(
            ngettext(
                "Any %(n)d of the %(of)d components counts.",
                "Any %(n)d of the %(of)d components count.",
                spec.needed_components,
            )
            % {"n": spec.needed_components, "of": len(spec.components)}
        )
    for status in components:
        c = status.component
        name, level = c.name, _level_words(c.min_level)
        if status.status == HELD:
            said.append(_("Holds “%(name)s”%(level)s.") % {"name": name, "level": level})
        elif status.status == BELOW_LEVEL:
            said.append(_("Holds “%(name)s”, but not%(level)s.") % {"name": name, "level": level})
        elif status.status == EXPIRED:
            said.append(_("“%(name)s” has expired.") % {"name": name})
        elif status.status == OUTSIDE_WINDOW:
            said.append(
                _("“%(name)s” was issued outside the %(days)d-day window.")
                % {"name": name, "days": spec.window_days or 0}
            )
        else:
            said.append(_("Missing “%(name)s”%(level)s.") % {"name": name, "level": level})
    for competency in competencies:
        r = competency.requirement
        said.append(
            ngettext(
                "%(have)d of %(count)d credential aligned to %(code)s %(title)s%(level)s.",
                "%(have)d of %(count)d credentials aligned to %(code)s %(title)s%(level)s.",
                r.count,
            )
            % {
                "have": len(competency.credentials),
                "count": r.count,
                "code": r.code,
                "title": r.title,
                "level": _level_words(r.min_level),
            }
        )
    if spec.window_days:
        said.append(
            ngettext(
                "All of them issued within %(days)d day of each other.",
                "All of them issued within %(days)d days of each other.",
                spec.window_days,
            )
            % {"days": spec.window_days}
        )
    return tuple(said)
