"""Import a competence framework from a file: simple CSV, ESCO skills CSV, or CASE JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.events import record_event
from rubrics.framework_import import PARSERS, FrameworkImportError, store_framework


class Command(BaseCommand):
    help = "Import (or update) a competence framework."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", choices=sorted(PARSERS), default="csv")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--framework-version", default="")
        parser.add_argument("--url", required=True, help="The framework's official page.")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            rows = PARSERS[opts["format"]](path.read_text(encoding="utf-8-sig"))
            fw = store_framework(
                slug=opts["slug"],
                name=opts["name"],
                version=opts["framework_version"],
                url=opts["url"],
                source=opts["format"],
                rows=rows,
            )
        except (FrameworkImportError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        record_event(
            actor="command:import_framework",
            action="framework.imported",
            object_type="framework",
            object_id=str(fw.pk),
            after={"slug": fw.slug, "format": opts["format"], "rows": len(rows)},
        )
        self.stdout.write(self.style.SUCCESS(f"{fw}: {len(rows)} entries imported"))
