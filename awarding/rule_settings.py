"""An instructor's settings of an awarding rule: how awards are made (automatic or held for
confirmation) and whether a credential column is posted to the LMS gradebook.

Each change is written with its audit event in one transaction: both are kept or neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from assessments.models import LineItem
from audit.events import record_event
from lti_tool.services import errors

from .models import Award, AwardingRule
from .postback import ensure_credential_line_item
from .tasks import postback_awards_task


def set_rule_mode(*, actor: str, rule: AwardingRule, mode: str) -> AwardingRule:
    """Make awards under `rule` automatically or hold them for the instructor's confirmation."""
    if mode not in AwardingRule.Mode.values:
        raise ValueError(f"Unknown award mode {mode!r}.")
    with transaction.atomic():
        locked = AwardingRule.objects.select_for_update().get(pk=rule.pk)
        before = locked.mode
        locked.mode = mode
        locked.save(update_fields=["mode"])
        record_event(
            actor=actor,
            action="awarding.rule.mode",
            object_type="awarding.AwardingRule",
            object_id=str(locked.pk),
            before={"mode": before},
            after={"mode": locked.mode},
            platform_id=locked.course.platform_id,
        )
    return locked


@dataclass(frozen=True)
class GradebookColumnChange:
    """What turning the credential column on or off did."""

    on: bool
    line_item: LineItem | None = None  # the column in the LMS, when it exists now
    lms_error: str = ""  # why the LMS did not create it yet (tried again on the first post)
    queued_award_ids: list[int] = field(default_factory=list)  # credentials now being posted


def set_gradebook_column(*, actor: str, rule: AwardingRule, on: bool) -> GradebookColumnChange:
    """Turn the rule's credential column on or off.

    On: the column is created in the LMS now (so the teacher can exclude it from the total at
    once) and credentials already issued are posted; off: nothing more is posted (scores
    already there stay until the column is deleted in the LMS, or are erased one by one by
    revocations). The setting, its audit event and the awards' post-back state are one
    transaction; the LMS is called after it, never inside it.
    """
    with transaction.atomic():
        locked = AwardingRule.objects.select_for_update().get(pk=rule.pk)
        before = locked.gradebook_column
        locked.gradebook_column = on
        locked.save(update_fields=["gradebook_column"])
        waiting: list[int] = []
        if on:
            waiting = list(
                Award.objects.filter(
                    rule=locked,
                    state__in=(Award.State.ISSUED, Award.State.FLAGGED),
                    postback_state=Award.PostbackState.OFF,
                ).values_list("pk", flat=True)
            )
            Award.objects.filter(pk__in=waiting).update(
                postback_state=Award.PostbackState.PENDING, postback_attempts=0
            )
        record_event(
            actor=actor,
            action="awarding.rule.gradebook_column",
            object_type="awarding.AwardingRule",
            object_id=str(locked.pk),
            before={"gradebook_column": before},
            after={"gradebook_column": on},
            platform_id=locked.course.platform_id,
        )
    if not on:
        return GradebookColumnChange(on=False)
    # The column first, then the scores: two workers posting at once would each create one.
    item, lms_error = None, ""
    try:
        item = ensure_credential_line_item(rule=locked)
    except (ValueError, errors.ServiceError) as exc:  # the first post-back tries again
        lms_error = str(exc)[:300]
    if waiting:
        postback_awards_task.delay(award_ids=waiting)
    return GradebookColumnChange(
        on=True, line_item=item, lms_error=lms_error, queued_award_ids=waiting
    )
