"""What the OAuth library (django-oauth-toolkit) does not keep: a registered client's RFC 7591
metadata, and which learner stands behind the Django user its tokens name."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RegisteredClient(models.Model):
    """The metadata a backpack sent at dynamic client registration (OB 3.0 §7.2)."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="ob_client"
    )
    client_uri = models.URLField(max_length=2000)
    logo_uri = models.URLField(max_length=2000)
    tos_uri = models.URLField(max_length=2000)
    policy_uri = models.URLField(max_length=2000)
    software_id = models.CharField(max_length=500)
    software_version = models.CharField(max_length=100)
    # The scopes this client may ever ask for (space-separated), as registered.
    scope = models.TextField()
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"OB client {self.application_id}"


class Holder(models.Model):
    """A learner as the OAuth library sees them: a Django user that can never sign in.

    Learners have no passwords (they arrive by LTI launch); the library's grants and tokens
    name a Django user, so each learner who connects an app gets one with an unusable
    password, no staff rights and no session, linked here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ob_holder"
    )
    learner = models.OneToOneField(
        "assessments.Learner", on_delete=models.PROTECT, related_name="ob_holder"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"holder {self.learner_id}"
