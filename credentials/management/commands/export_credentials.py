"""Write every stored credential as DIR/<uuid>.json: exactly the stored (signed) bytes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentials.models import Credential


class Command(BaseCommand):
    help = "Export each stored credential to DIR/<uuid>.json (the exact signed bytes)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write into (created)")

    def handle(self, *args, out: str, **options):
        target = Path(out)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {target}: {exc}") from exc
        count = 0
        for pk, document in (
            Credential.objects.order_by("issued_at").values_list("pk", "document").iterator()
        ):
            (target / f"{pk}.json").write_bytes(document.encode("utf-8"))
            count += 1
        self.stdout.write(f"exported {count} credential(s) to {target}")
