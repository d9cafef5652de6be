"""Multikey / multibase encoding of Ed25519 keys (`z6Mk…` public, `z3u2…` private).

A Multikey value is 'z' (base58-btc) + the multicodec varint prefix + the raw key bytes:
0xed 0x01 for an Ed25519 public key, 0x80 0x26 for an Ed25519 private key (seed).
"""

from __future__ import annotations

from functools import lru_cache

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class MultikeyError(ValueError):
    """A multibase/multikey value that is not a well-formed Ed25519 key."""


def encode_base58btc(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise MultikeyError("multibase value must be base58-btc (start with 'z')")
    try:
        return base58.b58decode(value[1:])
    except ValueError as exc:
        raise MultikeyError("multibase value is not valid base58") from exc


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return encode_base58btc(ED25519_PUB_PREFIX + raw)


# Keyed by the key's own bytes, so a rotated or compromised key is simply another entry: no
# invalidation is needed (compromise is judged by the caller from the issuer's records).
@lru_cache(maxsize=256)
def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    data = decode_base58btc(value)
    if len(data) != 34 or not data.startswith(ED25519_PUB_PREFIX):
        raise MultikeyError("not an Ed25519 public key Multikey (z6Mk…)")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    data = decode_base58btc(value)
    if len(data) != 34 or not data.startswith(ED25519_PRIV_PREFIX):
        raise MultikeyError("not an Ed25519 private key Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[2:])
