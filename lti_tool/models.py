"""Registrations: the LMS platforms this tool trusts, and their deployments."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models

from config.encryption import encrypted_fields

HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")


def parse_hosts(text: str) -> list[str]:
    """The service hosts field, one host[:port] per line; anything else is dropped."""
    return [h for h in (line.strip().lower() for line in (text or "").split()) if HOST_RE.match(h)]


class Platform(models.Model):
    """One registration of the tool in an LMS: an issuer + client id pair.

    Canvas cloud has one issuer for every school, so (issuer, client_id) — not the issuer
    alone — identifies a registration.
    """

    class Flavour(models.TextChoices):
        MOODLE = "moodle", "Moodle"
        CANVAS = "canvas", "Canvas"
        GENERIC = "generic", "Other LTI 1.3 platform"

    class Status(models.TextChoices):
        # An anonymous Dynamic Registration proves only that someone controls the servers it
        # names: it waits for an operator (ADR 0004). What an operator creates is active.
        PENDING = "pending", "Pending approval"
        ACTIVE = "active", "Active"

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
    service_hosts = models.TextField(
        blank=True,
        help_text=(
            "Hosts (one per line, e.g. school.instructure.com) that may serve AGS/NRPS and "
            "tokens besides the issuer's, login and token URLs' hosts. Canvas serves services "
            "from each school's own host."
        ),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_index=True,
        help_text="A pending platform cannot launch, call services or frame the tool.",
    )
    registered_via = models.CharField(
        max_length=20,
        blank=True,
        help_text="How the registration was made: dynamic, admin or command.",
    )
    registered_from = models.CharField(
        max_length=500,
        blank=True,
        help_text="Dynamic Registration: the openid-configuration URL it was read from.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="uniq_platform_issuer_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer}, {self.client_id})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self) -> None:
        bad = [h for h in self.service_hosts.split() if not HOST_RE.match(h.strip().lower())]
        if bad:
            raise ValidationError({"service_hosts": f"Not a host name: {', '.join(bad[:3])}"})

    def allowed_service_hosts(self) -> frozenset[str]:
        """Hosts (lower case, with port if any) the platform's services may live on."""
        hosts = set(parse_hosts(self.service_hosts))
        for url in (self.issuer, self.auth_token_url, self.auth_login_url, self.key_set_url):
            netloc = urlsplit(url or "").netloc.lower()
            if netloc:
                hosts.add(netloc)
        return frozenset(hosts)


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


@encrypted_fields("private_key_encrypted")
class ToolKey(models.Model):
    """One RSA key pair of the tool (LTI signs with RS256).

    The private key is stored encrypted (config.encryption). A key is published in the JWKS
    from creation, signs only from `activate_after` (so platforms that cache our JWKS see it
    before it is used), and stays published until `retire_after` (the grace period for
    platforms still verifying what it signed). Logic lives in `lti_tool.keys`.
    """

    kid = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    activate_after = models.DateTimeField(help_text="Signs from this moment on.")
    retire_after = models.DateTimeField(
        null=True, blank=True, help_text="Leaves the published JWKS at this moment."
    )

    class Meta:
        ordering = ["-activate_after", "-id"]

    def __str__(self) -> str:
        return f"tool key {self.kid}"

    def private_key(self):  # -> rsa.RSAPrivateKey
        # keys imports this module (ToolKey): a top-level import would be circular.
        from .keys import load_private_key  # noqa: PLC0415

        return load_private_key(self)
