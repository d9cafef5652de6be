from django.urls import path

from . import views

app_name = "credentials"
urlpatterns = [
    path("credentials/verify", views.verify_page, name="verify"),
    path("credentials/<uuid:credential_uuid>", views.credential_page, name="page"),
    path("credentials/<uuid:credential_uuid>.json", views.credential_json, name="json"),
    path("credentials/<uuid:credential_uuid>.jwt", views.credential_jwt, name="jwt"),
    path("credentials/<uuid:credential_uuid>.vc.jwt", views.credential_vc_jose, name="vc_jwt"),
    path("credentials/<uuid:credential_uuid>.svg", views.credential_svg, name="svg"),
    path("credentials/<uuid:credential_uuid>.png", views.credential_png, name="png"),
    path("credentials/<uuid:credential_uuid>/qr.png", views.credential_qr, name="qr"),
    path("issuers/<slug:slug>", views.issuer_profile, name="issuer"),
    path("issuers/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    path(".well-known/did.json", views.host_did, name="host_did"),
    path("status-lists/<slug:slug>/<int:number>", views.status_list, name="status_list"),
    # The suspension bits at the same indexes (ADR 0012).
    path(
        "status-lists/<slug:slug>/<int:number>/suspension",
        views.status_list,
        {"purpose": "suspension"},
        name="suspension_list",
    ),
]
