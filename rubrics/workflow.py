"""The review workflow: draft → submitted → approved | rejected → active → retired.

Every rule is enforced here, server side, whatever page calls it: only the course's
instructors write drafts and submit; only QA of the course's platform approve, reject and
activate, and never the version's author (four eyes). Each change is an audit event.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record_event

from .actors import Actor
from .models import Rubric, RubricVersion
from .signals import version_activated
from .spec import SpecError, version_spec_to_dict

State = RubricVersion.State


class WorkflowError(Exception):
    """A step that is not allowed now; the message is shown to the user as it is."""


class NotAllowed(WorkflowError):
    """The actor may not take this step."""


def snapshot(version: RubricVersion) -> dict:
    return {"state": version.state, "spec": version_spec_to_dict(version.to_spec())}


def _event(actor: Actor, action: str, version: RubricVersion, before, after) -> None:
    record_event(
        actor=actor.id,
        action=action,
        object_type="rubric_version",
        object_id=str(version.pk),
        before=before,
        after=after,
        platform_id=version.rubric.course.platform_id,
    )


def _locked(version: RubricVersion) -> RubricVersion:
    return (
        RubricVersion.objects.select_for_update()
        .select_related("rubric__course")
        .get(pk=version.pk)
    )


def check_instructor(actor: Actor, rubric: Rubric) -> None:
    if actor.course_id != rubric.course_id or actor.platform_id != rubric.course.platform_id:
        raise NotAllowed("Only an instructor of this course can change its rubrics.")


def check_qa(actor: Actor, version: RubricVersion) -> None:
    if not actor.is_qa_for(version.rubric.course.platform_id):
        raise NotAllowed("Only quality assurance staff of this institution can review.")


def check_four_eyes(actor: Actor, version: RubricVersion) -> None:
    """The author of a version never reviews or activates it, whichever page or path asks."""
    if version.author == actor.id:
        raise NotAllowed("You wrote this version: another person must review it.")


def create_rubric(*, course, title: str, description: str = "", actor: Actor) -> Rubric:
    title = (title or "").strip()
    if not title:
        raise WorkflowError(_("Give the rubric a title."))
    with transaction.atomic():
        rubric = Rubric(course=course, title=title, description=description, created_by=actor.id)
        check_instructor(actor, rubric)
        rubric.save()
        version = RubricVersion.objects.create(
            rubric=rubric, number=1, title=title, author=actor.id, author_name=actor.name
        )
        record_event(
            actor=actor.id,
            action="rubric.created",
            object_type="rubric",
            object_id=str(rubric.pk),
            after={"title": title, "description": description, "course_id": course.pk},
            platform_id=course.platform_id,
        )
        _event(actor, "version.created", version, None, snapshot(version))
    return rubric


def new_draft(*, rubric: Rubric, actor: Actor) -> RubricVersion:
    """A new draft copying the latest version (its criteria, levels, alignments, bindings)."""
    check_instructor(actor, rubric)
    with transaction.atomic():
        Rubric.objects.select_for_update().get(pk=rubric.pk)
        if rubric.versions.filter(state=State.DRAFT).exists():
            raise WorkflowError(_("This rubric already has a draft; edit that one."))
        latest = rubric.versions.order_by("-number").first()
        version = RubricVersion.objects.create(
            rubric=rubric,
            number=(latest.number + 1) if latest else 1,
            title=latest.title if latest else rubric.title,
            min_weighted_total=latest.min_weighted_total if latest else None,
            min_passed=latest.min_passed if latest else None,
            result_choice=latest.result_choice if latest else RubricVersion.ResultChoice.LATEST,
            window_start=latest.window_start if latest else None,
            window_end=latest.window_end if latest else None,
            author=actor.id,
            author_name=actor.name,
        )
        if latest:
            for crit in latest.criteria.prefetch_related("levels", "alignments"):
                levels, alignments = list(crit.levels.all()), list(crit.alignments.all())
                crit.pk, crit.id, crit.version = None, None, version
                crit._state.adding = True
                crit.save()
                for obj in (*levels, *alignments):
                    obj.pk, obj.id, obj.criterion = None, None, crit
                    obj._state.adding = True
                    obj.save()
        _event(actor, "version.created", version, None, snapshot(version))
    return version


def submit(*, version: RubricVersion, actor: Actor) -> RubricVersion:
    with transaction.atomic():
        version = _locked(version)
        check_instructor(actor, version.rubric)
        if version.state != State.DRAFT:
            raise WorkflowError(_("Only a draft can be submitted."))
        try:
            version.to_spec().validate()
        except SpecError as exc:
            raise WorkflowError(str(exc)) from exc
        unbound = list(
            version.criteria.filter(line_item__isnull=True).values_list("key", flat=True)
        )
        if unbound:
            raise WorkflowError(
                _(
                    "Every criterion needs its gradebook column first (create the line items): "
                    "%(keys)s"
                )
                % {"keys": ", ".join(unbound)}
            )
        before = snapshot(version)
        version.state = State.SUBMITTED
        version.submitted_at = timezone.now()
        version.save()
        _event(actor, "version.submitted", version, before, snapshot(version))
    return version


def _review(version: RubricVersion, actor: Actor, comment: str, approve: bool) -> RubricVersion:
    comment = (comment or "").strip()
    with transaction.atomic():
        version = _locked(version)
        check_qa(actor, version)
        check_four_eyes(actor, version)
        if version.state != State.SUBMITTED:
            raise WorkflowError(_("Only a submitted version can be reviewed."))
        if not approve and not comment:
            raise WorkflowError(_("Say why the version is rejected."))
        before = {"state": version.state}
        version.state = State.APPROVED if approve else State.REJECTED
        version.reviewed_by, version.reviewed_by_name = actor.id, actor.name
        version.reviewed_at = timezone.now()
        version.review_comment = comment
        version.save()
        action = "version.approved" if approve else "version.rejected"
        _event(actor, action, version, before, {"state": version.state, "comment": comment})
    return version


def approve(*, version: RubricVersion, actor: Actor, comment: str = "") -> RubricVersion:
    return _review(version, actor, comment, approve=True)


def reject(*, version: RubricVersion, actor: Actor, comment: str) -> RubricVersion:
    return _review(version, actor, comment, approve=False)


def activate(*, version: RubricVersion, actor: Actor) -> RubricVersion:
    """Make an approved version the active one; the previous active version retires."""
    with transaction.atomic():
        Rubric.objects.select_for_update().get(pk=version.rubric_id)
        version = _locked(version)
        check_qa(actor, version)
        # Activation puts the version to work: its author may not do that either, even once
        # someone else approved it.
        check_four_eyes(actor, version)
        if version.state != State.APPROVED:
            raise WorkflowError(_("Only an approved version can be activated."))
        now = timezone.now()
        for previous in RubricVersion.objects.select_for_update().filter(
            rubric_id=version.rubric_id, state=State.ACTIVE
        ):
            previous.state, previous.retired_at = State.RETIRED, now
            previous.save()
            _event(
                actor,
                "version.retired",
                previous,
                {"state": State.ACTIVE},
                {"state": State.RETIRED, "replaced_by": version.pk},
            )
        version.state, version.activated_at, version.activated_by = State.ACTIVE, now, actor.id
        version.save()
        _event(
            actor, "version.activated", version, {"state": State.APPROVED}, {"state": State.ACTIVE}
        )
        transaction.on_commit(
            partial(version_activated.send, sender=RubricVersion, version=version)
        )
    return version


def retire(*, version: RubricVersion, actor: Actor) -> RubricVersion:
    with transaction.atomic():
        version = _locked(version)
        check_qa(actor, version)
        if version.state != State.ACTIVE:
            raise WorkflowError(_("Only the active version can be retired."))
        version.state, version.retired_at = State.RETIRED, timezone.now()
        version.save()
        _event(actor, "version.retired", version, {"state": State.ACTIVE}, {"state": State.RETIRED})
    return version
