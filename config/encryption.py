"""Encryption at rest for private keys (LTI tool keys, credential signing keys).

One key-encryption key (KEY_ENCRYPTION_KEY, a Fernet key) from the environment wraps
every private key stored in the database, so a database dump alone reveals no key.
To change it: set the new key as KEY_ENCRYPTION_KEY and the old one in
KEY_ENCRYPTION_KEYS_RETIRED (still read, never written), run `manage.py
rotate_key_encryption`, then drop the retired key.

A model says which of its fields hold such tokens with the `encrypted_fields` class decorator;
the rotation re-encrypts exactly those (`registered_encrypted_fields`), nothing found by name.
"""

from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

# Model -> the names of its fields that hold encrypt_secret() tokens, in registration order.
_ENCRYPTED: dict[type[models.Model], tuple[str, ...]] = {}


def encrypted_fields(*names: str) -> Callable[[type[models.Model]], type[models.Model]]:
    """Class decorator: these fields of the model are encrypted with this module's key."""

    def register(model: type[models.Model]) -> type[models.Model]:
        for name in names:
            model._meta.get_field(name)  # FieldDoesNotExist when the app loads, not at rotation
        _ENCRYPTED[model] = tuple(dict.fromkeys((*_ENCRYPTED.get(model, ()), *names)))
        return model

    return register


def registered_encrypted_fields() -> dict[type[models.Model], tuple[str, ...]]:
    """Every model of an installed app with encrypted fields, and those fields."""
    return dict(_ENCRYPTED)


@lru_cache(maxsize=4)
def _fernet(current: str, retired: tuple[str, ...]) -> MultiFernet:
    # MultiFernet encrypts with the first key and decrypts with any of them.
    return MultiFernet([Fernet(key.encode()) for key in (current, *retired)])


def _keys() -> MultiFernet:
    retired = tuple(getattr(settings, "KEY_ENCRYPTION_KEYS_RETIRED", ()) or ())
    return _fernet(settings.KEY_ENCRYPTION_KEY, retired)


def encrypt_secret(plaintext: bytes) -> str:
    return _keys().encrypt(plaintext).decode()


def decrypt_secret(token: str) -> bytes:
    try:
        return _keys().decrypt(token.encode())
    except InvalidToken as exc:
        raise ValueError("private key cannot be decrypted: wrong KEY_ENCRYPTION_KEY?") from exc


def reencrypt_secret(token: str) -> str:
    """The same secret encrypted under the current key (from the current or a retired one)."""
    try:
        return _keys().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("private key cannot be decrypted: wrong KEY_ENCRYPTION_KEY?") from exc
