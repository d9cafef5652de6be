"""Verify the audit chain; exit 1 naming the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Recompute every audit event's hash and check the chain links."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_seq}"
                f"{f' (id {report.broken_id})' if report.broken_id else ''}: {report.reason}"
                f" ({report.checked} events before it are intact)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} events"))
