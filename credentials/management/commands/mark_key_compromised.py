"""Mark a signing key compromised since a moment: proofs made from then on show as invalid."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from credentials.models import SigningKey
from credentials.signing_keys import mark_compromised


class Command(BaseCommand):
    help = "Mark ISSUER#KEY_ID compromised since SINCE (ISO 8601, with a time zone)."

    def add_arguments(self, parser):
        parser.add_argument("key", help="issuer-slug#key-id")
        parser.add_argument("--since", required=True)

    def handle(self, *args, key: str, since: str, **options):
        slug, _, key_id = key.partition("#")
        moment = parse_datetime(since)
        if moment is None or moment.tzinfo is None:
            raise CommandError("--since must be an ISO 8601 date-time with a time zone")
        found = SigningKey.objects.filter(issuer__slug=slug, key_id=key_id).first()
        if found is None:
            raise CommandError(f"no signing key {key!r}")
        mark_compromised(key=found, since=moment, actor="command:mark_key_compromised")
        self.stdout.write(f"{key} marked compromised since {moment.isoformat()}")
