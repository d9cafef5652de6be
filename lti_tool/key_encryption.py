"""Re-encrypt every stored private key under the current KEY_ENCRYPTION_KEY.

Only the fields their models declare encrypted (`config.encryption.encrypted_fields`: tool
keys, credential signing keys, the sandbox's platform keys) are read and written; an app that
stores one more kind of key declares it on its model and is covered without being named here.
"""

from __future__ import annotations

from django.db import transaction

from audit.events import record_event
from config.encryption import reencrypt_secret, registered_encrypted_fields


@transaction.atomic
def reencrypt_stored_keys(*, actor: str) -> dict[str, int]:
    """Rows re-encrypted per model label; all of them or none (one transaction)."""
    counts: dict[str, int] = {}
    for model, fields in registered_encrypted_fields().items():
        done = 0
        # Every model with encrypted fields keeps Django's default `objects` manager.
        objects = model.objects  # type: ignore[attr-defined]
        rows = objects.select_for_update().order_by("pk").values_list("pk", *fields)
        for pk, *tokens in rows.iterator():
            objects.filter(pk=pk).update(
                **{
                    field: reencrypt_secret(token)
                    for field, token in zip(fields, tokens, strict=True)
                }
            )
            done += 1
        counts[model._meta.label] = done
    record_event(
        actor=actor,
        action="key_encryption.rotated",
        object_type="key_encryption",
        object_id="all",
        after={"reencrypted": counts},
    )
    return counts
