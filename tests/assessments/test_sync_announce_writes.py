"""A receiver of `learners_changed` may write and commit (the awarding pipeline does, with
tasks run in-process): the announcement must not hold a statement open meanwhile."""

from functools import partial

from django.db import transaction

from assessments import sync
from assessments.models import Learner, SyncRun
from assessments.results_store import learners_written_since
from assessments.signals import learners_changed
from assessments.sync import sync_course

from .conftest import seed


def test_a_receiver_that_writes_and_commits_during_the_announcement(env, monkeypatch):
    lms, platform, course = env
    # Batches of two: the announcement is mid-way through its learners when a receiver runs.
    monkeypatch.setattr(sync, "learners_written_since", partial(learners_written_since, batch=2))
    seed(lms, learners=5, items=2)
    announced: list[list[int]] = []

    def receiver(sender, *, course_id, learner_ids, **kw):
        with transaction.atomic():
            Learner.objects.filter(pk__in=learner_ids).update(given_name="evaluated")
        announced.append(list(learner_ids))

    learners_changed.connect(receiver, dispatch_uid="test-writes")
    try:
        run = sync_course(course=course)
    finally:
        learners_changed.disconnect(dispatch_uid="test-writes")
    assert run.outcome == SyncRun.Outcome.SUCCEEDED, run.error
    assert [len(batch) for batch in announced] == [2, 2, 1]
    assert [i for batch in announced for i in batch] == sorted(
        Learner.objects.values_list("pk", flat=True)
    )
    assert set(Learner.objects.values_list("given_name", flat=True)) == {"evaluated"}
