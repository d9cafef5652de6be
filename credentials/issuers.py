"""Issuer profiles and their DID documents (all keys, retired ones too, under assertionMethod)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from .did import PublishedKey, did_document
from .documents import IssuerInput
from .issuer_pages import issuer_page_url
from .models import Issuer, SigningKey, host_did, public_base_url
from .signing_keys import current_signing_key


def get_or_create_issuer(
    *, slug: str, name: str, url: str = "", email: str = "", description: str = ""
) -> Issuer:
    """The issuer with `slug`, created with these details the first time (and given a key).

    `url` defaults to the issuer's own public page (its Profile and achievements), the
    address its credentials then carry as `issuer.url`.
    """
    url = url or issuer_page_url(slug)
    try:
        with transaction.atomic():
            issuer, created = Issuer.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "url": url, "email": email, "description": description},
            )
    except IntegrityError:  # created concurrently by another process
        issuer = Issuer.objects.get(slug=slug)
    current_signing_key(issuer=issuer)
    return issuer


def issuer_input(issuer: Issuer) -> IssuerInput:
    return IssuerInput(
        id=issuer.did,
        name=issuer.name,
        url=issuer.url,
        email=issuer.email,
        description=issuer.description,
        image_url=issuer.image_url,
    )


def issuer_did_document(issuer: Issuer, *, did: str | None = None) -> dict:
    """The DID document of `issuer` under `did` (its path DID by default)."""
    keys = SigningKey.objects.filter(issuer=issuer).order_by("created_at", "pk")
    published = [PublishedKey(k.key_id, k.public_key_multibase) for k in keys]
    return did_document(did or issuer.path_did, published)


def resolve_local_did(did: str) -> dict | None:
    """Resolve a did:web of this tool from the database (never over the network)."""
    host = host_did()
    if did == host:
        issuer = Issuer.objects.filter(is_default=True).first()
        return issuer_did_document(issuer, did=did) if issuer else None
    prefix = host + ":issuers:"
    if not did.startswith(prefix):
        return None
    issuer = Issuer.objects.filter(slug=did.removeprefix(prefix)).first()
    return issuer_did_document(issuer, did=did) if issuer else None


def is_local_url(url: str) -> bool:
    base = urlsplit(public_base_url())
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
