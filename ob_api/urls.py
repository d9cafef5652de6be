"""URLs of the Open Badges API (OB 3.0 §6: everything under /ims/ob/v3p0/) and the learner's
connected-apps page."""

from django.urls import path

from .views import api, learner, oauth

app_name = "ob_api"
urlpatterns = [
    path("ims/ob/v3p0/discovery", api.discovery, name="discovery"),
    path("ims/ob/v3p0/register", api.register, name="register"),
    path("ims/ob/v3p0/authorize", oauth.AuthorizeView.as_view(), name="authorize"),
    path("ims/ob/v3p0/token", oauth.AuditedTokenView.as_view(), name="token"),
    path("ims/ob/v3p0/credentials", api.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", api.profile, name="profile"),
    path("ims/ob/v3p0/privacy", api.privacy, name="privacy"),
    path("learner/connected-apps", learner.connected_apps_page, name="connected_apps"),
    path("learner/connected-apps/sign-in", learner.sign_in_for_apps, name="sign_in"),
    path(
        "learner/connected-apps/<int:application_id>/disconnect",
        learner.disconnect_app,
        name="disconnect",
    ),
]
