"""Approve a pending Dynamic Registration, or list the pending ones."""

from django.core.management.base import BaseCommand, CommandError

from lti_tool.approval import approve
from lti_tool.models import Platform


class Command(BaseCommand):
    help = (
        "Approve a pending platform registration so it can launch and call services. "
        "Without an id, list the pending registrations. "
        "Example: approve_platform 7, or approve_platform --issuer URL --client-id ID"
    )

    def add_arguments(self, parser):
        parser.add_argument("platform_id", nargs="?", type=int)
        parser.add_argument("--issuer", default="")
        parser.add_argument("--client-id", default="")

    def handle(self, *args, **o):
        if o["platform_id"] is None and not o["issuer"]:
            return self._list()
        found = Platform.objects.all()
        if o["platform_id"] is not None:
            found = found.filter(pk=o["platform_id"])
        if o["issuer"]:
            found = found.filter(issuer=o["issuer"])
        if o["client_id"]:
            found = found.filter(client_id=o["client_id"])
        platforms = list(found[:2])
        if len(platforms) != 1:
            raise CommandError(
                "No such platform." if not platforms else "Several platforms match: give its id."
            )
        (platform,) = platforms
        if platform.is_active:
            self.stdout.write(f"Platform {platform.pk} ({platform}) is already active.")
            return
        approve(platform_id=platform.pk, actor="command:approve_platform")
        self.stdout.write(f"Approved platform {platform.pk}: {platform}.")

    def _list(self) -> None:
        pending = Platform.objects.filter(status=Platform.Status.PENDING).order_by("created_at")
        if not pending:
            self.stdout.write("No pending registrations.")
        for p in pending:
            self.stdout.write(
                f"{p.pk}\t{p.name}\t{p.issuer}\tclient {p.client_id}\t"
                f"from {p.registered_from or '-'}\t{p.created_at:%Y-%m-%d %H:%M}"
            )
