"""URLs of the awarding app: LMS pages (/course/, /learner/) and public pages.

The QA console's award pages (/qa/awards/) are in the qa_console app."""

from django.urls import path

from .views import (
    award_proposals,
    bulk_prepare,
    endorsements,
    instructor,
    instructor_setup,
    learner,
    proposal_evidence,
    public,
    status_changes,
)

app_name = "awarding"
urlpatterns = [
    # Inside the LMS iframe (launch token).
    path("course/", instructor.instructor_dashboard, name="instructor_dashboard"),
    path("course/decisions.csv", instructor.export_decisions, name="export_decisions"),
    path(
        "course/awards/<uuid:award_uuid>/confirm",
        instructor.confirm_award,
        name="confirm_award",
    ),
    # Revoking, suspending, reinstating: a request that a second person confirms.
    path(
        "course/awards/<uuid:award_uuid>/revoke",
        status_changes.request_change,
        {"action": "revoke"},
        name="revoke_award",
    ),
    path(
        "course/awards/<uuid:award_uuid>/suspend",
        status_changes.request_change,
        {"action": "suspend"},
        name="suspend_award",
    ),
    path(
        "course/awards/<uuid:award_uuid>/reinstate",
        status_changes.request_change,
        {"action": "reinstate"},
        name="reinstate_award",
    ),
    path(
        "course/status-changes/<uuid:change_uuid>",
        status_changes.change_detail,
        name="status_change",
    ),
    path(
        "course/status-changes/<uuid:change_uuid>/<str:step>",
        status_changes.decide_change,
        name="decide_status_change",
    ),
    # Awards by review (a manual award, recognition of prior learning): QA decides.
    path("course/proposals/", award_proposals.propose, name="proposals"),
    path(
        "course/proposals/<uuid:proposal_uuid>",
        award_proposals.proposal_detail,
        name="proposal",
    ),
    path(
        "course/proposals/<uuid:proposal_uuid>/withdraw",
        award_proposals.withdraw,
        name="withdraw_proposal",
    ),
    # A bulk CSV prepared by an instructor: previewed here, applied by QA in the console.
    path("course/bulk/", bulk_prepare.prepare, name="bulk_prepare"),
    path("course/bulk/<uuid:upload_uuid>", bulk_prepare.prepared, name="bulk_prepared"),
    path("course/rules/<int:rule_id>/mode", instructor.set_rule_mode, name="rule_mode"),
    path("course/setup/", instructor_setup.setup_home, name="setup"),
    path("course/setup/achievement", instructor_setup.setup_achievement, name="setup_achievement"),
    path("course/setup/submit", instructor_setup.setup_submit, name="setup_submit"),
    path(
        "course/setup/rules/<int:rule_id>/gradebook",
        instructor_setup.setup_gradebook,
        name="setup_gradebook",
    ),
    path("learner/", learner.learner_home, name="learner_home"),
    path(
        "learner/notifications/read",
        learner.dismiss_notifications,
        name="dismiss_notifications",
    ),
    path(
        "learner/credentials/<uuid:award_uuid>/visibility",
        learner.set_visibility,
        name="set_visibility",
    ),
    path(
        "learner/credentials/<uuid:award_uuid>/view",
        learner.holder_page,
        name="holder_page",
    ),
    path(
        "learner/credentials/<uuid:award_uuid>/download/<str:fmt>",
        learner.holder_download,
        name="holder_download",
    ),
    # Public.
    path("evidence/<uuid:award_uuid>", public.evidence_page, name="evidence"),
    # A proposal's evidence file: its learner, the course's instructors, or public if shared.
    path(
        "evidence-files/<uuid:proposal_uuid>",
        proposal_evidence.proposal_evidence,
        name="proposal_evidence",
    ),
    path(
        "achievements/<uuid:achievement_uuid>",
        public.achievement_page,
        name="achievement",
    ),
    path(
        "endorsements/<uuid:endorsement_uuid>",
        endorsements.endorsement_page,
        name="endorsement",
    ),
    path(
        "endorsements/<uuid:endorsement_uuid>.json",
        endorsements.endorsement_json,
        name="endorsement_json",
    ),
]
