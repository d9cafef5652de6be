"""The guided setup's checklist (pure): which steps are done and which one comes next.

The steps: achievement -> rubric -> line items in the LMS -> preview -> submit for QA.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SUBMITTED_STATES = ("submitted", "approved", "active")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    current: bool
    hint: str


STEP_TITLES = {
    "achievement": gettext_lazy("Describe the credential"),
    "rubric": gettext_lazy("Write the rubric: criteria, thresholds, levels"),
    "line_items": gettext_lazy("Create the gradebook columns in the LMS"),
    "preview": gettext_lazy("Preview who would earn it"),
    "submit": gettext_lazy("Submit it for quality assurance"),
}


def checklist(
    *,
    has_achievement: bool,
    has_rubric: bool,
    criteria: int,
    unbound: int,
    version_state: str | None,
    rubric_valid: bool,
    rule_exists: bool,
) -> list[Step]:
    """Which steps are done (pure). The first step not done is the current one.

    A tick means it is true now: the rubric is evaluable (not merely started), the preview
    can be computed (shown on the setup page and in the editor), and "submitted" needs the
    rule that will award the credential, not only a submitted rubric version.
    """
    rubric_ready = has_rubric and criteria > 0 and rubric_valid
    line_items_ready = criteria > 0 and unbound == 0
    done = {
        "achievement": has_achievement,
        "rubric": rubric_ready,
        "line_items": line_items_ready,
        "preview": rubric_ready and line_items_ready,
        "submit": version_state in SUBMITTED_STATES and rule_exists and has_achievement,
    }
    hints = {
        "achievement": _("Name, description and what a learner must show."),
        "rubric": _("Add criteria with a threshold each; align them to DigComp if you like."),
        "line_items": _("One gradebook column per criterion: you grade there, as usual."),
        "preview": _("See who meets the rubric with the grades entered so far."),
        "submit": _(
            "A QA colleague reviews and approves it; credentials then go out by themselves."
        ),
    }
    steps = []
    current_found = False
    for key, title in STEP_TITLES.items():
        current = not done[key] and not current_found
        current_found = current_found or current
        steps.append(
            Step(key=key, title=str(title), done=done[key], current=current, hint=hints[key])
        )
    return steps
