"""Issue N demo credentials (a demo learner and achievement) for the demo and benchmarks."""

import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.issuers import get_or_create_issuer


class Command(BaseCommand):
    help = "Issue N signed demo credentials for a demo learner and achievement."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--issuer", default="demo", help="issuer slug (created if missing)")

    def handle(self, *args, count: int, issuer: str, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        the_issuer = get_or_create_issuer(slug=issuer, name="Credbridge Demo University", email="")
        achievement = demo.demo_achievement(base)
        start = time.perf_counter()
        last = None
        for n in range(count):
            cid = uuid.uuid4()
            last = issue_credential(
                issuer=the_issuer,
                credential_id=cid,
                achievement=achievement,
                subject=demo.demo_subject(n),
                results=demo.demo_results(achievement),
                evidence=demo.demo_evidence(base, str(cid)),
                valid_from=timezone.now().replace(microsecond=0),
            )
        elapsed = time.perf_counter() - start
        assert last is not None  # count >= 1, checked above
        self.stdout.write(
            f"issued {count} credential(s) in {elapsed:.2f}s ({count / elapsed:.1f}/s); "
            f"last: {last.public_url}"
        )
