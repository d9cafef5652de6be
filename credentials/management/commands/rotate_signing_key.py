"""Rotate an issuer's signing key (or every issuer's): new credentials use the new key."""

from django.core.management.base import BaseCommand, CommandError

from credentials.models import Issuer
from credentials.signing_keys import rotate_signing_key


class Command(BaseCommand):
    help = (
        "Retire the active signing key of an issuer and create a new one (old keys stay published)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--issuer", help="issuer slug; all issuers when omitted")

    def handle(self, *args, issuer: str | None = None, **options):
        issuers = Issuer.objects.all()
        if issuer:
            issuers = issuers.filter(slug=issuer)
            if not issuers.exists():
                raise CommandError(f"no issuer with slug {issuer!r}")
        for item in issuers:
            key = rotate_signing_key(issuer=item, actor="command:rotate_signing_key")
            self.stdout.write(f"{item.slug}: now signing with {key.verification_method()}")
