"""The sandbox LMS, mounted at /sandbox/. Each platform lives under /sandbox/<slug>/ with its
flavour's own paths (Moodle's mod/lti/*.php, Canvas's /api/lti/...)."""

from django.urls import path

from . import views_ags, views_launch, views_nrps

app_name = "lms_sandbox"

_M = "<slug:slug>/mod/lti/services.php/<int:course_id>/lineitems"
_C = "<slug:slug>/api/lti/courses/<int:course_id>/line_items"

_moodle = [
    path("<slug:slug>/mod/lti/certs.php", views_launch.jwks, name="moodle_certs"),
    path("<slug:slug>/mod/lti/auth.php", views_launch.authorize, name="moodle_auth"),
    path("<slug:slug>/mod/lti/token.php", views_nrps.token, name="moodle_token"),
    path(_M, views_ags.line_items, name="moodle_lineitems"),
    path(f"{_M}/<int:item_id>/lineitem", views_ags.line_item, name="moodle_lineitem"),
    path(f"{_M}/<int:item_id>/lineitem/results", views_ags.results, name="moodle_results"),
    path(f"{_M}/<int:item_id>/lineitem/scores", views_ags.scores, name="moodle_scores"),
    path(
        "<slug:slug>/mod/lti/services.php/CourseSection/<int:course_id>/bindings/<str:type_id>"
        "/memberships",
        views_nrps.memberships,
        name="moodle_memberships",
    ),
]
_canvas = [
    path("<slug:slug>/api/lti/security/jwks", views_launch.jwks, name="canvas_jwks"),
    path(
        "<slug:slug>/api/lti/authorize_redirect",
        views_launch.canvas_authorize_redirect,
        name="canvas_authorize_redirect",
    ),
    path("<slug:slug>/api/lti/authorize", views_launch.authorize, name="canvas_authorize"),
    path("<slug:slug>/login/oauth2/token", views_nrps.token, name="canvas_token"),
    path(_C, views_ags.line_items, name="canvas_lineitems"),
    path(f"{_C}/<int:item_id>", views_ags.line_item, name="canvas_lineitem"),
    path(f"{_C}/<int:item_id>/results", views_ags.results, name="canvas_results"),
    path(
        f"{_C}/<int:item_id>/results/<int:result_id>",
        views_ags.results,
        name="canvas_result",
    ),
    path(f"{_C}/<int:item_id>/scores", views_ags.scores, name="canvas_scores"),
    path(
        "<slug:slug>/api/lti/courses/<int:course_id>/names_and_roles",
        views_nrps.memberships,
        name="canvas_memberships",
    ),
]
_pages = [
    path("<slug:slug>/launch", views_launch.start_launch, name="start_launch"),
]

urlpatterns = _moodle + _canvas + _pages
