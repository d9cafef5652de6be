"""Register an outside organisation that may endorse credentials, by its did:web (ADR 0066)."""

from django.core.management.base import BaseCommand, CommandError

from awarding.endorser_registry import EndorserRefused, register_endorser


class Command(BaseCommand):
    help = (
        "Register (or refresh the keys of) an endorsing organisation: its did:web document is "
        "read now, once, and its Ed25519 Multikeys kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("did", help="did:web:host or did:web:host:path")
        parser.add_argument("--name", required=True, help="the organisation's name")

    def handle(self, *args, did: str, name: str, **options):
        try:
            endorser = register_endorser(did=did, name=name, actor="operator:register_endorser")
        except EndorserRefused as exc:
            raise CommandError(str(exc)) from exc
        keys = ", ".join(m["id"] for m in endorser.verification_methods)
        self.stdout.write(f"registered {endorser.name} ({endorser.did}); keys: {keys}")
