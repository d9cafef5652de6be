"""The QA console's test world: long names, an issued, a flagged and a revoked award, and an
instructor who revoked one (shared by the console's page tests and its browser tests)."""

from __future__ import annotations

from tests.pages.world import issue_flag_and_revoke, make_world


def console_world():
    w = make_world(
        learner_names=("Ana García-Fernández de la Concepción", "Grace Hopper", "Alan Turing")
    )
    issued, _, _ = issue_flag_and_revoke(w, *w.learners)
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
