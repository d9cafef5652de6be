"""Two components of one pathway issued at the same moment (two workers): the stacked award
is granted once. On PostgreSQL, where the pathway's row lock really serialises the checks."""

import threading

import pytest
from django.db import connection

from awarding.models import Award
from pathways.stacking import award_if_met
from tests.pages.world import issue, make_world

from .builders import active_pathway, second_course

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_checks_at_once_grant_one_stacked_award():
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada = a.learners[0]
    pathway = active_pathway(a.platform, components=[(a.achievement, None), (b.achievement, None)])
    issue(a, ada)
    issue(b, ada)
    # The second issue's commit already ran the check (tasks run in-process here): take its
    # award away, so four checks race for it from the same starting line.
    assert Award.objects.filter(achievement=pathway.achievement).count() == 1
    Award.objects.filter(achievement=pathway.achievement).delete()
    start = threading.Barrier(4)
    granted: list[object] = []

    def check() -> None:
        try:
            start.wait()
            granted.append(award_if_met(pathway=pathway, learner_id=ada.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(granted) == 4
    assert len([g for g in granted if g is not None]) == 1
    assert Award.objects.filter(achievement=pathway.achievement).count() == 1
