"""URLs of the wallet issuance app: the learner's offer page and the OID4VCI endpoints."""

from django.urls import path

from . import views

app_name = "wallet_issuance"
urlpatterns = [
    path(
        "learner/credentials/<uuid:award_uuid>/wallet-offer",
        views.add_to_wallet,
        name="add_to_wallet",
    ),
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="issuer_metadata"),
    path(".well-known/oauth-authorization-server", views.oauth_metadata, name="oauth_metadata"),
    path("oid4vci/token", views.token, name="token"),
    path("oid4vci/nonce", views.nonce, name="nonce"),
    path("oid4vci/credential", views.credential, name="credential"),
]
