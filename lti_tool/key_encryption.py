"""Re-encrypt every stored private key under the current KEY_ENCRYPTION_KEY.

Stored keys are found by their field (`private_key_encrypted`, on any installed model: tool
keys, credential signing keys, the sandbox's platform keys), so an app that stores one more
kind of key is covered without being named here.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from audit.events import record_event
from config.encryption import reencrypt_secret

FIELD = "private_key_encrypted"


def _models_with_keys() -> list:
    return [
        model
        for model in apps.get_models()
        if any(field.name == FIELD for field in model._meta.concrete_fields)
    ]


@transaction.atomic
def reencrypt_stored_keys(*, actor: str) -> dict[str, int]:
    """Rows re-encrypted per model label; all of them or none (one transaction)."""
    counts: dict[str, int] = {}
    for model in _models_with_keys():
        done = 0
        rows = model.objects.select_for_update().order_by("pk").values_list("pk", FIELD)
        for pk, token in rows.iterator():
            model.objects.filter(pk=pk).update(**{FIELD: reencrypt_secret(token)})
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
