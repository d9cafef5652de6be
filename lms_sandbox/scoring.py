"""What each LMS does with a score POST: plain data in, a decision out (no ORM, no HTTP).

Moodle: strictly newer timestamps to the second (else 409), a teacher override wins
silently, scores are rescaled to the column's maximum; no scoreGiven (absent or null: PHP's
`isset`) erases the grade, and so does a scoreGiven sent with any gradingProgress other than
FullyGraded (mod/lti/service/gradebookservices/classes/local/resources/scores.php
`get_json_for_post_request` nulls it; `service/gradebookservices.php` `save_grade_item` then
writes a null grade). A cleared grade keeps a date, Moodle's own clock at the clear: on a
column created through AGS (a manual grade item) `grade_item::update_final_grade` sets
`timemodified = time()` whenever grade or feedback changed; on an activity's column
`grade_item::update_raw_grade` does so too, unless neither grade nor feedback remains (then
null). scores.php then refuses (409) any later score not newer than that date
(lib/grade/grade_item.php, mod/lti/service/gradebookservices/classes/local/service/
gradebookservices.php `save_grade_item`).
Canvas: timestamps must not go backwards (400), only active students (422), unpublished
assignments refuse grades (422, another envelope), a non-final gradingProgress or no
scoreGiven clears the grade (app/controllers/lti/ims/scores_controller.rb `ignore_score?` →
`submission.update(score: nil)`), `prioritize_non_tool_grade` keeps a teacher's grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
SUBMISSION_EXT = "https://canvas.instructure.com/lti/submission"


@dataclass(frozen=True)
class Stored:
    """The grade already held for this user and line item (None fields: no grade yet)."""

    score: float | None = None
    timestamp: datetime | None = None  # the last score's timestamp (or teacher's edit time)
    teacher_override: bool = False


@dataclass(frozen=True)
class Decision:
    status: int
    action: str = "store"  # store | clear | keep (score untouched) | ignore | refuse
    message: str = ""
    score: float | None = None  # rescaled to the line item's maximum
    comment: str = ""
    timestamp: datetime | None = None
    activity_progress: str = ""
    grading_progress: str = ""
    extension: dict = field(default_factory=dict)
    envelope: str = "lti"  # "model" for Canvas's model-validation shape
    # The date the LMS keeps on the grade: the score's timestamp, the LMS's own clock ("now",
    # Moodle's cleared grade), or none (a Moodle activity grade cleared without feedback).
    dated: str = "score"


def refuse(status: int, message: str, envelope: str = "lti") -> Decision:
    return Decision(status=status, action="refuse", message=message, envelope=envelope)


def parse_timestamp(raw) -> datetime | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else None


def _common(body: dict, line_max: float) -> Decision | tuple:
    if not isinstance(body, dict):
        return refuse(400, "The score must be a JSON object")
    missing = [
        k for k in ("userId", "activityProgress", "gradingProgress", "timestamp") if k not in body
    ]
    if missing:
        return refuse(400, f"Missing required field(s): {', '.join(missing)}")
    if body["activityProgress"] not in ACTIVITY or body["gradingProgress"] not in GRADING:
        return refuse(400, "Invalid activityProgress or gradingProgress")
    stamp = parse_timestamp(body["timestamp"])
    if stamp is None:
        return refuse(400, f"Provided timestamp of {body['timestamp']} not a valid timestamp")
    given, maximum = body.get("scoreGiven"), body.get("scoreMaximum")
    for name, value in (("scoreGiven", given), ("scoreMaximum", maximum)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return refuse(400, f"{name} must be a number")
    comment = body.get("comment") or ""
    if not isinstance(comment, str):
        return refuse(400, "comment must be a string")
    return stamp, given, maximum, comment


def moodle_decide(
    body: dict, *, line_max: float, is_learner: bool, stored: Stored, manual_item: bool = True
) -> Decision:
    """`manual_item`: the column was created through AGS (Moodle's itemtype 'manual'), not
    an activity's own."""
    common = _common(body, line_max)
    if isinstance(common, Decision):
        return common
    stamp, given, maximum, comment = common
    if given is not None and maximum is None:
        return refuse(400, "scoreMaximum is required with scoreGiven")
    if given is not None and (maximum <= 0 or given < 0):
        return refuse(400, "Invalid scoreGiven or scoreMaximum")
    if not is_learner:
        return refuse(400, "Only enrolled learners can be scored")
    # Strictly newer, to the second: two posts in one second give 409.
    if stored.timestamp is not None and int(stamp.timestamp()) <= int(stored.timestamp.timestamp()):
        return refuse(409, "Refusing score with an earlier timestamp for item")
    if stored.teacher_override:
        return Decision(status=200, action="ignore")  # the teacher's grade wins, silently
    base = dict(
        status=200,
        comment=comment,
        timestamp=stamp,
        activity_progress=body["activityProgress"],
        grading_progress=body["gradingProgress"],
    )
    if given is None or body["gradingProgress"] != "FullyGraded":
        dated = "now" if manual_item or comment else "none"
        return Decision(action="clear", dated=dated, **base)
    return Decision(action="store", score=given * line_max / maximum, **base)


def canvas_decide(
    body: dict,
    *,
    line_max: float,
    is_learner: bool,
    published: bool,
    stored: Stored,
    updated_at: datetime | None,
) -> Decision:
    common = _common(body, line_max)
    if isinstance(common, Decision):
        return common
    stamp, given, maximum, comment = common
    if not is_learner:
        return refuse(422, "User not found in course or is not a student")
    if given is not None and maximum is None:
        return refuse(422, "ScoreMaximum not supplied when ScoreGiven present.")
    if maximum is not None and maximum < 0:
        return refuse(422, "ScoreMaximum must be greater than or equal to 0")
    if maximum == 0 and line_max != 0:
        return refuse(422, "cannot be zero if line item's maximum is not zero")
    if given is not None and given < 0:
        return refuse(422, "ScoreGiven must be greater than or equal to 0")
    if updated_at is not None and stamp < updated_at:
        return refuse(
            400,
            f"Provided timestamp of {body['timestamp']} before last updated timestamp of "
            f"{updated_at.isoformat()}",
        )
    if not published:
        return refuse(
            422, "cannot be changed at this time: This assignment is still unpublished", "model"
        )
    ext = body.get(SUBMISSION_EXT) or {}
    if not isinstance(ext, dict):
        return refuse(400, "Invalid submission extension")
    base = dict(
        status=200,
        comment=comment,
        timestamp=stamp,
        activity_progress=body["activityProgress"],
        grading_progress=body["gradingProgress"],
        extension=ext,
    )
    final = body["gradingProgress"] in ("FullyGraded", "PendingManual")
    if (
        ext.get("prioritize_non_tool_grade")
        and stored.teacher_override
        and stored.score is not None
    ):
        return Decision(action="keep", **base)  # result updated, the teacher's score kept
    if given is None or not final:
        return Decision(action="clear", **base)
    score = given * line_max / maximum if maximum else 0.0
    return Decision(action="store", score=score, **base)
