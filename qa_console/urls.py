"""The QA console, all under /qa/ (paths unchanged since the pages lived in rubrics and
awarding, so bookmarks and LMS links keep working); one namespace, `qa`."""

from django.urls import path

from .views import (
    audit,
    awards,
    bulk,
    endorsements,
    handoff,
    proposals,
    reports,
    reviews,
    sign_in,
    status_changes,
)

app_name = "qa"
urlpatterns = [
    path("qa/", reviews.home, name="home"),
    path("qa/login/", sign_in.QALoginView.as_view(), name="login"),
    path("qa/logout/", sign_in.QALogoutView.as_view(), name="logout"),
    # An LMS administrator's way in from a launch (no second login).
    path("qa/handoff/start", handoff.handoff_start, name="handoff_start"),
    path("qa/handoff/", handoff.handoff_redeem, name="handoff_redeem"),
    # Rubric versions waiting for review.
    path("qa/versions/<int:version_id>/", reviews.review, name="review"),
    # Awards: decisions, flagged awards, revocations, reports.
    path("qa/awards/", awards.decisions, name="decisions"),
    path("qa/awards/decisions.csv", awards.decisions_csv, name="decisions_csv"),
    path("qa/awards/decisions/<int:decision_id>", awards.decision_detail, name="decision"),
    path("qa/awards/flagged", awards.flagged, name="flagged"),
    path("qa/awards/revocations", awards.revocations, name="revocations"),
    path("qa/awards/<uuid:award_uuid>/revoke", awards.revoke, name="revoke"),
    # Instructors' requests to revoke, suspend or reinstate: QA confirms or declines.
    path("qa/awards/status-changes", status_changes.status_changes, name="status_changes"),
    path(
        "qa/awards/status-changes/<uuid:change_uuid>",
        status_changes.status_change,
        name="status_change",
    ),
    path(
        "qa/awards/status-changes/<uuid:change_uuid>/<str:step>",
        status_changes.decide_status_change,
        name="decide_status_change",
    ),
    # Awards by review: instructors' proposals, QA approves or declines (ADR 0067).
    path("qa/proposals/", proposals.proposals, name="proposals"),
    path("qa/proposals/<uuid:proposal_uuid>", proposals.proposal, name="proposal"),
    path(
        "qa/proposals/<uuid:proposal_uuid>/evidence",
        proposals.evidence,
        name="proposal_evidence",
    ),
    path(
        "qa/proposals/<uuid:proposal_uuid>/<str:step>",
        proposals.decide,
        name="decide_proposal",
    ),
    # Bulk award and revocation from a CSV: upload, preview every line, apply all or none.
    path("qa/bulk/", bulk.bulk, name="bulk"),
    path("qa/bulk/<uuid:upload_uuid>", bulk.bulk_preview, name="bulk_preview"),
    path("qa/bulk/<uuid:upload_uuid>/apply", bulk.bulk_apply, name="bulk_apply"),
    path("qa/bulk/<uuid:upload_uuid>/preview.csv", bulk.bulk_preview_csv, name="bulk_preview_csv"),
    path("qa/awards/reports", reports.reports, name="reports"),
    path("qa/awards/reports.csv", reports.reports_csv, name="reports_csv"),
    # Endorsements (ADR 0066).
    path("qa/endorsements/", endorsements.endorsements, name="endorsements"),
    path("qa/endorsements/endorse", endorsements.endorse, name="endorse"),
    path("qa/endorsements/submit", endorsements.submit, name="submit_endorsement"),
    path(
        "qa/endorsements/<uuid:endorsement_uuid>/withdraw",
        endorsements.withdraw,
        name="withdraw_endorsement",
    ),
    path("qa/endorsements/organisations", endorsements.register, name="register_endorser"),
    path(
        "qa/endorsements/organisations/<int:endorser_id>/deregister",
        endorsements.deregister,
        name="deregister_endorser",
    ),
    # The audit log.
    path("qa/audit/", audit.audit_log, name="audit_log"),
    path("qa/audit.csv", audit.audit_csv, name="audit_csv"),
]
