"""Register an LMS platform (manual registration) from the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from audit.events import record_event
from lti_tool.models import Deployment, Platform

AUDITED = (
    "name",
    "flavour",
    "auth_login_url",
    "auth_token_url",
    "auth_audience",
    "key_set_url",
    "service_hosts",
    "auto_activate_deployments",
    "status",
)


class Command(BaseCommand):
    help = (
        "Create a platform registration (issuer + client id) and its deployments; an "
        "operator's registration is active at once. An existing one is changed only with "
        "--update (audited). "
        "Example: register_platform --flavour moodle --issuer https://moodle.example.edu "
        "--client-id abc --auth-login-url https://moodle.example.edu/mod/lti/auth.php "
        "--auth-token-url https://moodle.example.edu/mod/lti/token.php "
        "--key-set-url https://moodle.example.edu/mod/lti/certs.php --deployment 1"
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--flavour", choices=[c for c, _ in Platform.Flavour.choices], default="generic"
        )
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--auth-login-url", required=True)
        parser.add_argument("--auth-token-url", required=True)
        parser.add_argument("--auth-audience", default="")
        parser.add_argument("--key-set-url", required=True)
        parser.add_argument(
            "--service-host",
            action="append",
            default=[],
            help="extra host serving AGS/NRPS (repeatable; Canvas: the school's)",
        )
        parser.add_argument(
            "--deployment",
            action="append",
            default=[],
            help="deployment id to activate (repeatable)",
        )
        parser.add_argument("--auto-activate-deployments", action="store_true")
        parser.add_argument(
            "--update",
            action="store_true",
            help="change an existing registration (its endpoints, keys URL, name...); audited",
        )

    @transaction.atomic
    def handle(self, *args, **o):
        platform = (
            Platform.objects.select_for_update()
            .filter(issuer=o["issuer"], client_id=o["client_id"])
            .first()
        )
        created = platform is None
        if platform is not None and not o["update"]:
            raise CommandError(
                f"Platform {platform.pk} ({platform}) is already registered; nothing was "
                "changed. Repeat with --update to change it."
            )
        before = (
            {}
            if platform is None
            else {k: v for k, v in model_to_dict(platform).items() if k in AUDITED}
        )
        platform = platform or Platform(
            issuer=o["issuer"], client_id=o["client_id"], registered_via="command"
        )
        # The operator ran this: the registration is theirs, so it is active (an update of a
        # pending one approves it, recorded as such).
        if not created and not platform.is_active:
            platform.approved_at = timezone.now()
            platform.approved_by = "command:register_platform"
        platform.status = Platform.Status.ACTIVE
        platform.name = o["name"] or platform.name or o["issuer"]
        platform.flavour = o["flavour"]
        platform.auth_login_url = o["auth_login_url"]
        platform.auth_token_url = o["auth_token_url"]
        platform.auth_audience = o["auth_audience"]
        platform.key_set_url = o["key_set_url"]
        platform.service_hosts = "\n".join(o["service_host"])
        platform.auto_activate_deployments = o["auto_activate_deployments"]
        try:
            platform.full_clean()
        except ValidationError as exc:
            raise CommandError(f"invalid registration: {exc.message_dict}") from exc
        platform.save()
        if not created:
            after = {k: v for k, v in model_to_dict(platform).items() if k in AUDITED}
            record_event(
                actor="command:register_platform",
                action="platform.updated",
                object_type="lti_tool.Platform",
                object_id=str(platform.pk),
                before=before,
                after={**after, "deployments_added": o["deployment"]},
                platform_id=platform.pk,
            )
        for deployment_id in o["deployment"]:
            Deployment.objects.update_or_create(
                platform=platform, deployment_id=deployment_id, defaults={"active": True}
            )
        deployments = ", ".join(platform.deployments.values_list("deployment_id", flat=True))
        self.stdout.write(
            f"{'Created' if created else 'Updated'} platform {platform.pk}: {platform}; "
            f"deployments: {deployments or 'none'}"
        )
