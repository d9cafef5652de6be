"""Registrations: the LMS platforms this tool trusts, and their deployments."""

from django.db import models


class Platform(models.Model):
    """One registration of the tool in an LMS: an issuer + client id pair.

    Canvas cloud has one issuer for every school, so (issuer, client_id) — not the issuer
    alone — identifies a registration.
    """

    class Flavour(models.TextChoices):
        MOODLE = "moodle", "Moodle"
        CANVAS = "canvas", "Canvas"
        GENERIC = "generic", "Other LTI 1.3 platform"

    name = models.CharField(max_length=200)
    flavour = models.CharField(max_length=20, choices=Flavour.choices, default=Flavour.GENERIC)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    auth_login_url = models.URLField(max_length=500)
    auth_token_url = models.URLField(max_length=500)
    auth_audience = models.CharField(max_length=500, blank=True)
    key_set_url = models.URLField(max_length=500)
    auto_activate_deployments = models.BooleanField(
        default=False, help_text="Accept a deployment id seen for the first time."
    )
    needs_attention = models.CharField(
        max_length=500, blank=True, help_text="Why an administrator must look at this registration."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="uniq_platform_issuer_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer}, {self.client_id})"


class Deployment(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="uniq_deployment_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform.name} / {self.deployment_id}"
