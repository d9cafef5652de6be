"""Rubric editor (inside the LMS, /rubrics/...) and the QA console (/qa/...).

/qa/awards/ belongs to the awarding app (award pages); this app leaves it free.
"""

from django.urls import path

from . import views_editor, views_qa, views_qa_handoff

app_name = "rubrics"
urlpatterns = [
    path("rubrics/", views_editor.course_rubrics, name="course_rubrics"),
    path("rubrics/versions/<int:version_id>/", views_editor.version_page, name="version"),
    path(
        "rubrics/versions/<int:version_id>/line-items/",
        views_editor.line_items,
        name="create_line_items",
    ),
    path("rubrics/versions/<int:version_id>/submit/", views_editor.submit_version, name="submit"),
    path("rubrics/<int:rubric_id>/new-version/", views_editor.new_version, name="new_version"),
    path("qa/", views_qa.qa_home, name="qa_home"),
    path("qa/login/", views_qa.QALoginView.as_view(), name="qa_login"),
    path("qa/logout/", views_qa.QALogoutView.as_view(), name="qa_logout"),
    path("qa/handoff/start", views_qa_handoff.handoff_start, name="qa_handoff_start"),
    path("qa/handoff/", views_qa_handoff.handoff_redeem, name="qa_handoff_redeem"),
    path("qa/versions/<int:version_id>/", views_qa.review, name="qa_review"),
    path("qa/audit/", views_qa.audit_log, name="audit_log"),
    path("qa/audit.csv", views_qa.audit_csv, name="audit_csv"),
]
