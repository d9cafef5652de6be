"""The rubric editor, inside the LMS (/rubrics/...). QA reviews are in the qa_console app."""

from django.urls import path

from . import views_editor

app_name = "rubrics"
urlpatterns = [
    path("rubrics/", views_editor.course_rubrics, name="course_rubrics"),
    path("rubrics/versions/<int:version_id>/", views_editor.version_page, name="version"),
    path(
        "rubrics/versions/<int:version_id>/line-items/",
        views_editor.line_items,
        name="create_line_items",
    ),
    path(
        "rubrics/versions/<int:version_id>/preview/",
        views_editor.preview_fragment,
        name="preview",
    ),
    path("rubrics/<int:rubric_id>/new-version/", views_editor.new_version, name="new_version"),
]
