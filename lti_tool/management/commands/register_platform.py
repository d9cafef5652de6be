"""Register an LMS platform (manual registration) from the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lti_tool.models import Deployment, Platform


class Command(BaseCommand):
    help = (
        "Create or update a platform registration (issuer + client id) and its deployments. "
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

    @transaction.atomic
    def handle(self, *args, **o):
        platform = Platform.objects.filter(issuer=o["issuer"], client_id=o["client_id"]).first()
        created = platform is None
        platform = platform or Platform(issuer=o["issuer"], client_id=o["client_id"])
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
        for deployment_id in o["deployment"]:
            Deployment.objects.update_or_create(
                platform=platform, deployment_id=deployment_id, defaults={"active": True}
            )
        deployments = ", ".join(platform.deployments.values_list("deployment_id", flat=True))
        self.stdout.write(
            f"{'Created' if created else 'Updated'} platform {platform.pk}: {platform}; "
            f"deployments: {deployments or 'none'}"
        )
