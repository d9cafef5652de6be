"""Re-encrypt the stored private keys under the current KEY_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand, CommandError

from lti_tool.key_encryption import reencrypt_stored_keys


class Command(BaseCommand):
    help = (
        "After setting a new KEY_ENCRYPTION_KEY with the old one in KEY_ENCRYPTION_KEYS_RETIRED: "
        "re-encrypt every stored private key under the new key (all or none), after which the "
        "retired key can be removed."
    )

    def handle(self, *args, **options):
        try:
            counts = reencrypt_stored_keys(actor="command:rotate_key_encryption")
        except ValueError as exc:
            raise CommandError(
                f"{exc} A stored key is encrypted under a key that is neither "
                "KEY_ENCRYPTION_KEY nor in KEY_ENCRYPTION_KEYS_RETIRED; nothing was changed."
            ) from exc
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} key(s) re-encrypted")
