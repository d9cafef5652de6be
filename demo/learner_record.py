"""The demo's learner record (CLR 2.0, ADR 0068): the learner who holds the most credentials
(the one who completed a pathway, when the demo has one) asks for their record and shares it.

Idempotent: a record that already holds everything the learner has is kept as it is.
"""

from __future__ import annotations

from django.db.models import Count

from assessments.models import Learner
from awarding.models import Award
from learner_records.contents import record_contents
from learner_records.models import RecordVersion
from learner_records.records import create_record, is_up_to_date, record_of, set_sharing


def seed_learner_record() -> RecordVersion | None:
    """The shared record of the demo learner with the most issued credentials (None when
    nobody holds one yet, e.g. a Celery worker has not issued them)."""
    top = (
        Award.objects.filter(state=Award.State.ISSUED)
        .values("learner")
        .annotate(held=Count("pk"))
        .order_by("-held", "learner")
        .first()
    )
    if top is None:
        return None
    learner = Learner.objects.select_related("platform").get(pk=top["learner"])
    record = record_of(learner)
    version = record.latest() if record else None
    if not is_up_to_date(version, record_contents(learner=learner)):
        version = create_record(actor=f"lti:{learner.platform_id}:{learner.sub}", learner=learner)
    assert version is not None
    if not version.record.shared:
        set_sharing(actor="demo:seed", record=version.record, shared=True)
    return version
