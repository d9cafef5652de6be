"""Write every stored credential as DIR/<kind>/<uuid>.json: exactly the stored (signed) bytes.

The kinds (course credentials, stacked ones, endorsements, learners' records...) are those the
apps registered (`credentials.export_kinds`); a credential no kind claims goes to DIR/other/.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentials.export_kinds import OTHER, export_kinds
from credentials.models import Credential


class Command(BaseCommand):
    help = (
        "Export each stored credential to DIR/<kind>/<uuid>.json (the exact signed bytes): "
        "one folder per kind of credential."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write into (created)")

    def handle(self, *args, out: str, **options):
        target = Path(out)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {target}: {exc}") from exc
        kind_of: dict[object, str] = {}
        for kind in export_kinds():
            for pk in kind.credential_ids():
                kind_of.setdefault(pk, kind.name)  # the first kind to claim it keeps it
        counts = {kind.name: 0 for kind in export_kinds()} | {OTHER: 0}
        rows = Credential.objects.order_by("issued_at", "pk").values_list("pk", "document")
        for pk, document in rows.iterator():
            name = kind_of.get(pk, OTHER)
            folder = target / name
            folder.mkdir(exist_ok=True)
            (folder / f"{pk}.json").write_bytes(document.encode("utf-8"))
            counts[name] += 1
        for kind in export_kinds():
            for stem, text in kind.documents() if kind.documents else ():
                folder = target / kind.name
                folder.mkdir(exist_ok=True)
                (folder / f"{stem}.json").write_bytes(text.encode("utf-8"))
                counts[kind.name] += 1
        descriptions = {kind.name: kind.description for kind in export_kinds()}
        descriptions[OTHER] = "credentials of no other kind (e.g. samples)"
        for name, count in counts.items():
            self.stdout.write(f"  {name}/: {count} — {descriptions[name]}")
        self.stdout.write(f"exported {sum(counts.values())} credential(s) to {target}")
