"""Reads behind the awarding pages: what a course, a learner or the public may see.

Each function takes the scope it is allowed to read (a course from the launch, a learner
from the launch, one award) and returns rows or plain data for a page; none writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import F, Max, Q, QuerySet

from assessments.models import Course, Learner
from credentials.badge_source import image_reference
from credentials.credential_json import achievement_json
from credentials.models import Credential
from credentials.presentation import credential_view
from lti_tool.launch_context import LaunchContext
from lti_tool.prepared_reads import BoundRead, PreparedRead
from rubrics.evidence import deleted_bindings
from rubrics.spec import VersionSpec, version_spec_to_dict

from . import decision_grid
from .badge_image import badge_data_uri
from .credential_inputs import build_achievement
from .endorsement_reads import embedded_documents
from .learner_sections import learner_section_reads
from .models import (
    Achievement,
    Award,
    AwardingRule,
    Decision,
    InstitutionSetting,
    Notification,
    StatusChange,
)
from .rules import active_version
from .share_links import share_links

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def stored_credential(award: Award) -> Credential | None:
    """The credential stored for an award: its id is the uuid the award reserved before signing.

    None while the pipeline has not stored it yet (pending, held, or never issued).
    """
    return Credential.objects.select_related("issuer").filter(pk=award.uuid).first()


# The instructor's dashboard.


def active_rules(course: Course) -> QuerySet[AwardingRule]:
    """The course's active rules with their achievements, oldest first."""
    return (
        AwardingRule.objects.filter(course=course, active=True)
        .select_related("achievement")
        .order_by("pk")
    )


# `active_rules` as the learner page reads it, right after every launch: SQL built once
# (ADR 0077).
ACTIVE_RULES: PreparedRead[AwardingRule] = PreparedRead(
    lambda course_id: (
        AwardingRule.objects.filter(course_id=course_id, active=True)
        .select_related("achievement")
        .order_by("pk")
    ),
    params={"course_id": int},
)


def course_decisions(course: Course) -> QuerySet[Decision]:
    """Every decision made in the course, oldest first, with learner and achievement."""
    return (
        Decision.objects.filter(course=course)
        .select_related("learner", "achievement")
        .order_by("decided_at", "pk")
    )


def course_learners(course: Course) -> list[tuple[int, str]]:
    """People with a learner role in the course, plus anyone already evaluated in it."""
    people: dict[int, str] = {}
    enrolments = course.enrolments.filter(active=True).select_related("learner")
    for e in enrolments:
        roles = " ".join(str(r) for r in (e.roles or [])).casefold()
        if not roles or "learner" in roles or "student" in roles:
            people[e.learner_id] = e.learner.name or e.learner.sub
    evaluated = Learner.objects.filter(decisions__course=course).exclude(pk__in=people).distinct()
    for learner in evaluated:
        people[learner.pk] = learner.name or learner.sub
    return list(people.items())


def latest_decisions(course: Course, rule: AwardingRule) -> dict[int, tuple[dict, object]]:
    """learner id -> (result, decided_at) of the latest decision under this rule."""
    # Decisions are append-only, so the highest id per learner is the latest one.
    latest_ids = (
        Decision.objects.filter(course=course, rule=rule)
        .values("learner_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return {
        d.learner_id: (d.result, d.decided_at)
        for d in Decision.objects.filter(pk__in=latest_ids).only(
            "learner_id", "result", "decided_at"
        )
    }


def awards_by_learner(course: Course, rule: AwardingRule) -> dict[int, Award]:
    """learner id -> live award of the rule's achievement (else the latest revoked one)."""
    found: dict[int, Award] = {}
    awards = (
        Award.objects.filter(course=course, achievement_id=rule.achievement_id)
        # Suspended or not: the dashboard offers "Reinstate" or "Suspend" accordingly.
        .annotate(credential_status=F("credential__status"))
        .order_by("created_at", "pk")
    )
    for award in awards:
        current = found.get(award.learner_id)
        if current is None or award.is_live or not current.is_live:
            found[award.learner_id] = award
    return found


def rule_columns(
    rule: AwardingRule, decisions: dict[int, tuple[dict, object]]
) -> list[decision_grid.Column]:
    """Criteria of the rule's active rubric version when there is one, else those decided on."""
    version = active_version(rubric_id=rule.rubric_id)
    if version is not None:
        return decision_grid.columns_of_spec(version_spec_to_dict(version.to_spec()))
    return decision_grid.columns_of(result for result, _at in decisions.values())


def deleted_columns(rule: AwardingRule) -> list[tuple[str, str, str]]:
    """Criteria of the active version whose column was deleted in the LMS (nothing awards)."""
    version = active_version(rubric_id=rule.rubric_id)
    return deleted_bindings(version=version) if version is not None else []


def rule_tables(
    course: Course, *, learners: list[tuple[int, str]], page_learners: list[tuple[int, str]]
) -> list[dict[str, Any]]:
    """Per active rule of the course: its criteria columns, this page's rows, the outcome
    counts over all learners, and the awards that need the instructor (held, flagged)."""
    tables = []
    for rule in active_rules(course):
        decisions = latest_decisions(course, rule)
        columns = rule_columns(rule, decisions)
        all_rows = decision_grid.build_rows(
            learners=learners, decisions=decisions, awards={}, columns=columns
        )
        awards = awards_by_learner(course, rule)
        tables.append(
            {
                "rule": rule,
                "columns": columns,
                "rows": decision_grid.build_rows(
                    learners=page_learners, decisions=decisions, awards=awards, columns=columns
                ),
                "counts": decision_grid.outcome_counts(all_rows),
                "issued": sum(1 for a in awards.values() if a.state == Award.State.ISSUED),
                "held": [a for a in awards.values() if a.state == Award.State.HELD],
                "flagged": [a for a in awards.values() if a.state == Award.State.FLAGGED],
                "deleted_columns": deleted_columns(rule),
            }
        )
    return tables


# The learner's home.


def achievement_image_url(achievement: Achievement) -> str:
    """The uploaded image, or the same generated badge the credential carries."""
    if achievement.image:
        return achievement.image.url
    return badge_data_uri(name=achievement.name, seed=str(achievement.uuid))


def card_image_url(achievement: Achievement, credential: Credential | None) -> str:
    """The badge a learner's card shows: the image inside their credential (what the PNG and
    SVG downloads are made of, even if the achievement changed since), else the achievement's."""
    reference = image_reference(credential.data) if credential is not None else None
    if reference and reference.startswith("data:image/"):
        return reference
    return achievement_image_url(achievement)


def holder_awards(*, course: Course, learner: Learner) -> QuerySet[Award]:
    """The awards a learner's launch in this course may open: the course's, and their
    course-less ones (a pathway's stacked credential belongs to the institution, ADR 0065)."""
    return Award.objects.filter(Q(course=course) | Q(course__isnull=True), learner=learner)


def learner_cards(
    *, course: Course, learner: Learner, rules: list[AwardingRule] | None = None
) -> list[dict]:
    """Per active rule of the course: progress, and the credential once earned. `rules`: the
    course's active rules if the caller read them already (`learner_home_reads`)."""
    cards = []
    for rule in ACTIVE_RULES.all(course_id=course.pk) if rules is None else rules:
        decision = (
            Decision.objects.filter(course=course, rule=rule, learner=learner)
            .order_by("-pk")
            .first()
        )
        result = decision.result if decision else None
        if result is None and active_version(rubric_id=rule.rubric_id) is None:
            continue  # not approved and active yet: nothing to show a learner
        columns = rule_columns(rule, {learner.pk: (result, None)} if result else {})
        award = (
            Award.objects.filter(course=course, achievement=rule.achievement, learner=learner)
            .order_by("-created_at", "-pk")
            .first()
        )
        credential = stored_credential(award) if award else None
        notice = status_notice(award, credential)
        links = view = None
        if credential is not None:
            view = credential_view(credential.data)
            links = share_links(
                base_url=settings.PUBLIC_BASE_URL,
                credential_id=credential.pk,
                achievement_name=view["name"] or rule.achievement.name,
                # The issuer as signed into the credential, not today's profile.
                issuer_name=view["issuer"].get("name") or credential.issuer.name,
                issued_at=view["valid_from"] or credential.issued_at,
                valid_until=view["valid_until"],
            )
        cards.append(
            {
                "image_url": card_image_url(rule.achievement, credential),
                "rule": rule,
                "achievement": rule.achievement,
                "decision": decision,
                "outcome": (result or {}).get("outcome"),
                "progress": decision_grid.progress_items(result, columns),
                "award": award,
                "credential": credential,
                "view": view,
                "notice": notice,
                "links": links,
            }
        )
    return cards


def status_notice(award: Award | None, credential: Credential | None) -> dict | None:
    """What the learner reads when their credential was revoked or is suspended: the kind,
    the date and the private reason (for them only; the public page shows a category)."""
    if award is None:
        return None
    revoked: Award | None = award
    if award.state in (Award.State.HELD, Award.State.PENDING):
        # Re-awarded after a revocation and waiting for an instructor: the revocation stands.
        revoked = (
            Award.objects.filter(
                learner_id=award.learner_id,
                achievement_id=award.achievement_id,
                state=Award.State.REVOKED,
            )
            .order_by("-revoked_at", "-pk")
            .first()
        )
    if revoked is not None and revoked.state == Award.State.REVOKED:
        return {"kind": "revoked", "date": revoked.revoked_at, "reason": revoked.revoked_reason}
    if credential is not None and credential.status == Credential.Status.SUSPENDED:
        change = (
            StatusChange.objects.filter(
                award=award, action=StatusChange.Action.SUSPEND, state=StatusChange.State.CONFIRMED
            )
            .order_by("-decided_at", "-pk")
            .first()
        )
        return {
            "kind": "suspended",
            "date": change.decided_at if change else credential.status_changed_at,
            "reason": change.private_reason if change else credential.status_reason,
        }
    return None


def open_status_changes(course: Course) -> list[StatusChange]:
    """Requests to revoke, suspend or reinstate in the course still waiting for a decision."""
    return list(
        StatusChange.objects.filter(award__course=course, state=StatusChange.State.REQUESTED)
        .select_related("award__learner", "award__achievement")
        .order_by("requested_at", "pk")
    )


UNREAD_LIMIT = 20
# Read on every learner page, right after the launch: SQL built once (ADR 0077).
UNREAD_NOTIFICATIONS: PreparedRead[Notification] = PreparedRead(
    lambda learner_id, course_id: (
        Notification.objects.filter(
            learner_id=learner_id, course_id=course_id, read_at__isnull=True
        )
        .select_related("award__achievement")
        .order_by("-created_at")[:UNREAD_LIMIT]
    ),
    params={"learner_id": int, "course_id": int},
)


def learner_home_reads(
    *, launch: LaunchContext, course_id: int, learner_id: int
) -> dict[str, BoundRead[Any]]:
    """The learner page's own fixed reads, for awarding.access.learner_page to send with the
    launch's course and learner (ADR 0083): the course's active rules (for `learner_cards`),
    the learner's newest unread notifications in it (UNREAD_LIMIT of them) and, unless the
    launch is a placement of one credential (which shows no sections), the sections' reads."""
    reads: dict[str, BoundRead[Any]] = {
        "rules": ACTIVE_RULES.bound(course_id=course_id),
        "notifications": UNREAD_NOTIFICATIONS.bound(learner_id=learner_id, course_id=course_id),
    }
    if not launch.placement:
        reads |= learner_section_reads(learner_id=learner_id, platform_id=launch.platform_id)
    return reads


# Public pages.


def institution_setting(platform_id: int) -> InstitutionSetting:
    """The institution's publishing choices, or the defaults when it has made none."""
    return InstitutionSetting.objects.filter(platform_id=platform_id).first() or InstitutionSetting(
        platform_id=platform_id
    )


def active_achievement_spec(achievement: Achievement) -> VersionSpec:
    """The criteria of the achievement's active rubric version, when a rule names one."""
    for rule in AwardingRule.objects.filter(achievement=achievement, active=True).order_by("pk"):
        version = active_version(rubric_id=rule.rubric_id)
        if version is not None:
            return version.to_spec()
    return VersionSpec(criteria=())


def achievement_document(achievement: Achievement) -> dict:
    """The OB 3.0 Achievement as JSON-LD, composed like the one inside credentials."""
    document = achievement_json(
        build_achievement(
            base_url=settings.PUBLIC_BASE_URL,
            achievement=achievement,
            spec=active_achievement_spec(achievement),
            endorsements=embedded_documents(achievement),
        )
    )
    return {"@context": OB_CONTEXT, **document}
