"""The sandbox LMS, mounted at /sandbox/. Each platform lives under /sandbox/<slug>/ with its
flavour's own paths (Moodle's mod/lti/*.php, Canvas's /api/lti/...)."""

from django.urls import path

from . import views_launch

app_name = "lms_sandbox"

_moodle = [
    path("<slug:slug>/mod/lti/certs.php", views_launch.jwks, name="moodle_certs"),
    path("<slug:slug>/mod/lti/auth.php", views_launch.authorize, name="moodle_auth"),
]
_canvas = [
    path("<slug:slug>/api/lti/security/jwks", views_launch.jwks, name="canvas_jwks"),
    path(
        "<slug:slug>/api/lti/authorize_redirect",
        views_launch.canvas_authorize_redirect,
        name="canvas_authorize_redirect",
    ),
    path("<slug:slug>/api/lti/authorize", views_launch.authorize, name="canvas_authorize"),
]
_pages = [
    path("<slug:slug>/launch", views_launch.start_launch, name="start_launch"),
]

urlpatterns = _moodle + _canvas + _pages
