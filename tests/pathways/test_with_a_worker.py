"""Production shape: PostgreSQL, Redis and a separate `celery worker` process. The worker
issues the last component, hears award_issued, grants and issues the stacked credential:
measured from the component's issue to the stacked credential's."""

import pytest
from django.db import transaction

from awarding.dispatch import enqueue_issue
from awarding.models import Award
from credentials.local_verification import verify_credential
from tests.e2e.story import wait_for
from tests.pages.world import issue, make_world

from .builders import active_pathway, second_course

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_the_worker_stacks_within_seconds_of_the_last_component(
    celery_worker, live_server, settings
):
    settings.PUBLIC_BASE_URL = live_server.url  # the worker's issuer, as in production
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada = a.learners[0]
    pathway = active_pathway(a.platform, components=[(a.achievement, None), (b.achievement, None)])
    issue(a, ada)  # signed in this process; its check (in the worker) finds one of two
    b.decide(ada, {"search": 9, "evaluate": 8})
    with transaction.atomic():
        last = b.award(ada, state=Award.State.PENDING)
        enqueue_issue(award_ids=[last.pk])  # the worker signs it after this commits

    def stacked():
        return Award.objects.filter(
            achievement=pathway.achievement, state=Award.State.ISSUED
        ).first()

    wait_for(stacked, timeout=60, what="the stacked credential issued by the worker")
    last.refresh_from_db()
    award = stacked()
    lag = (award.issued_at - last.issued_at).total_seconds()
    print(f"\nstacked credential issued {lag:.2f} s after its last component")
    assert last.state == "issued" and lag < 10
    assert set(award.components.values_list("pk", flat=True)) == {
        last.pk,
        Award.objects.get(achievement=a.achievement, learner=ada).pk,
    }
    assert verify_credential(award.credential.data).ok
