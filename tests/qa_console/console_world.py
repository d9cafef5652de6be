"""The QA console's test world: long names, an issued, a flagged and a revoked award, and an
instructor who revoked one (shared by the console's page tests and its browser tests)."""

from __future__ import annotations

from assessments.models import Enrolment, Learner
from awarding.models import Award
from awarding.revoke import revoke_award
from tests.pages.world import issue, make_world


def console_world():
    w = make_world(
        learner_names=("Ana García-Fernández de la Concepción", "Grace Hopper", "Alan Turing")
    )
    ana, grace, alan = w.learners
    issued = issue(w, ana)
    flagged = issue(w, grace)
    Award.objects.filter(pk=flagged.pk).update(
        state=Award.State.FLAGGED, flag_decision=w.decide(grace, {"search": 2, "evaluate": 7})
    )
    revoked = issue(w, alan)
    head = Learner.objects.create(platform=w.platform, sub="head-1", name="Hedda Head")
    Enrolment.objects.create(course=w.course, learner=head, roles=["instructor"])
    revoke_award(
        award=revoked,
        reason="Grade corrected after an appeal",
        actor=f"lti:{w.platform.pk}:head-1",
    )
    return w, issued


def console_pages(w, issued) -> dict[str, str]:
    decision = w.decisions[w.learners[0].pk]
    return {
        "/qa/": "Rubric versions waiting for you",
        f"/qa/versions/{w.version.pk}/": "Data skills",
        "/qa/awards/": "Decisions",
        f"/qa/awards/decisions/{decision.pk}": "Data Literacy Badge for",
        "/qa/awards/flagged": "Flagged awards",
        "/qa/awards/revocations": "Revocations",
        "/qa/awards/reports": "Reports",
        "/qa/audit/": "Audit log",
    }
