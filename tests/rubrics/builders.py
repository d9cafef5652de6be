"""A three-criterion DigComp-aligned draft, through the real service functions."""

from rubrics.editing import CriterionDraft, PolicyDraft, save_draft
from rubrics.spec import LevelSpec
from rubrics.workflow import create_rubric

from .conftest import add_line_item, digcomp, proficiency

LEVELS = [LevelSpec("Foundation", 4), LevelSpec("Intermediate", 6), LevelSpec("Advanced", 8.5)]


def three_criteria(threshold_b=5.0, source="existing", course=None):
    keys = [("search", "1.1"), ("evaluate", "1.2"), ("safety", "4.2")]
    drafts = []
    for key, code in keys:
        item = add_line_item(course, key) if source == "existing" else None
        drafts.append(
            CriterionDraft(
                key=key,
                title=f"{key.title()} skills",
                points=10,
                threshold=threshold_b if key == "evaluate" else 5,
                levels=list(LEVELS),
                competence_ids=[digcomp(code).pk],
                proficiency_id=proficiency("4").pk,
                source=source,
                line_item_id=item.pk if item else None,
            )
        )
    return drafts


def draft_rubric(course, actor, *, source="existing"):
    rubric = create_rubric(course=course, title="Information literacy", actor=actor)
    version = rubric.versions.get()
    save_draft(
        version=version,
        actor=actor,
        title="Information literacy",
        policy=PolicyDraft(),
        criteria=three_criteria(course=course, source=source),
    )
    return rubric, version
