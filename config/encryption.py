"""Encryption at rest for private keys (LTI tool keys, credential signing keys).

One key-encryption key (KEY_ENCRYPTION_KEY, a Fernet key) from the environment wraps
every private key stored in the database, so a database dump alone reveals no key.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt_secret(plaintext: bytes) -> str:
    return _fernet(settings.KEY_ENCRYPTION_KEY).encrypt(plaintext).decode()


def decrypt_secret(token: str) -> bytes:
    try:
        return _fernet(settings.KEY_ENCRYPTION_KEY).decrypt(token.encode())
    except InvalidToken as exc:
        raise ValueError("private key cannot be decrypted: wrong KEY_ENCRYPTION_KEY?") from exc
