"""The sandbox LMS, mounted at /sandbox/. Each platform lives under /sandbox/<slug>/ with its
flavour's own paths (Moodle's mod/lti/*.php, Canvas's /api/lti/...). Canvas's API calls go
through its request throttle (flavours.canvas_throttle), as they do in Canvas."""

from django.urls import path

from . import views_ags, views_launch, views_nrps, views_pages, views_tooling
from .flavours.canvas_throttle import metered

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
    path(
        "<slug:slug>/mod/lti/contentitem_return.php",
        views_tooling.moodle_deep_link_return,
        name="moodle_deep_link_return",
    ),
    path(
        "<slug:slug>/mod/lti/openid-configuration.php",
        views_tooling.openid_config,
        name="moodle_openid_configuration",
    ),
    path(
        "<slug:slug>/mod/lti/openid-registration.php",
        views_tooling.registrations,
        name="moodle_registration",
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
    path(_C, metered(views_ags.line_items), name="canvas_lineitems"),
    path(f"{_C}/<int:item_id>", metered(views_ags.line_item), name="canvas_lineitem"),
    path(f"{_C}/<int:item_id>/results", metered(views_ags.results), name="canvas_results"),
    path(
        f"{_C}/<int:item_id>/results/<int:result_id>",
        metered(views_ags.results),
        name="canvas_result",
    ),
    path(f"{_C}/<int:item_id>/scores", metered(views_ags.scores), name="canvas_scores"),
    path(
        "<slug:slug>/api/lti/courses/<int:course_id>/names_and_roles",
        metered(views_nrps.memberships),
        name="canvas_memberships",
    ),
    path(
        "<slug:slug>/courses/<int:course_id>/deep_linking_response",
        views_tooling.canvas_deep_link_return,
        name="canvas_deep_link_return",
    ),
    path(
        "<slug:slug>/api/lti/security/openid-configuration",
        views_tooling.openid_config,
        name="canvas_openid_configuration",
    ),
    path(
        "<slug:slug>/api/lti/registrations", views_tooling.registrations, name="canvas_registration"
    ),
]
_pages = [
    path("", views_pages.index, name="index"),
    path("<slug:slug>/", views_pages.platform_page, name="platform"),
    path("<slug:slug>/launch", views_launch.start_launch, name="start_launch"),
    path("<slug:slug>/faults", views_pages.faults, name="faults"),
    path("<slug:slug>/tool-usage", views_pages.tool_usage, name="tool_usage"),
    path(
        "<slug:slug>/post_message_forwarding",
        views_pages.post_message_forwarding,
        name="post_message_forwarding",
    ),
    path("<slug:slug>/register", views_pages.register, name="register"),
    path("<slug:slug>/course/<int:course_id>/", views_pages.course_page, name="course"),
    path("<slug:slug>/course/<int:course_id>/gradebook", views_pages.gradebook, name="gradebook"),
    path("<slug:slug>/course/<int:course_id>/conclude", views_pages.conclude, name="conclude"),
]

urlpatterns = _moodle + _canvas + _pages
