"""Registering an outside organisation that may endorse: resolve its did:web once, keep its keys.

The DID document is fetched at registration only, through the tool's one bounded HTTP client
(`lti_tool.outbound.fetch`: a total deadline, a size cap, no redirect followed, only the DID's
own host, public addresses only). Verification later reads the stored keys, never the network.
Plain http is used only for a loopback host, and only when the operator allows loopback DIDs
(ENDORSER_LOOPBACK_DIDS: tests and the demo).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from audit.events import record_event
from credentials.did import did_web_url
from credentials.multikey import MultikeyError, public_key_from_multibase
from lti_tool.outbound import LOOPBACK, OutboundError, fetch, host_key

from .endorsement_models import Endorser

DID_DOCUMENT_MAX_BYTES = 64 * 1024
DID_DEADLINE_S = 10.0
# did:web:<host>[%3A<port>][:<path segment>]*. No other percent-encoding: an encoded "/" or
# ".." would change which path of the host is read.
DID_WEB = re.compile(
    r"^did:web:[A-Za-z0-9.\-]+(%3[Aa]\d{1,5})?"  # the host and its port
    r"(:[A-Za-z0-9_\-~][A-Za-z0-9._\-~]*)*$"  # path segments, none starting with a dot
)
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class EndorserRefused(ValueError):
    """The organisation cannot be registered; the message says why, for people."""


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "ENDORSER_LOOPBACK_DIDS", False))


def document_url(did: str) -> str:
    """Where the DID document of `did` is read from (http only for an allowed loopback host)."""
    if not DID_WEB.match(did or ""):
        raise EndorserRefused(
            _("This is not a did:web identifier (did:web:host or did:web:host:path).")
        )
    url = did_web_url(did)
    host = (urlsplit(url).hostname or "").lower()
    if host in {h.strip("[]") for h in LOOPBACK_HOSTS}:
        if not _loopback_allowed():
            raise EndorserRefused(
                _("An organisation on this machine's own address cannot be registered.")
            )
        return "http://" + url.removeprefix("https://")
    allowed = [h.lower() for h in getattr(settings, "ENDORSER_DID_HOSTS", [])]
    if allowed and host not in allowed:
        raise EndorserRefused(
            _("The host of this DID is not on the list of endorsers' hosts this site accepts.")
        )
    return url


def _methods(did: str, document: Any) -> list[dict[str, str]]:
    """The Ed25519 Multikey methods of `did` that it lists for issuing (absolute ids)."""
    if not isinstance(document, dict) or document.get("id") != did:
        raise EndorserRefused(_("The DID document does not describe this DID."))
    listed = document.get("assertionMethod") or []
    listed_ids = {(m if m.startswith("did:") else did + m) for m in listed if isinstance(m, str)}
    methods = []
    for method in document.get("verificationMethod") or []:
        if not isinstance(method, dict) or not isinstance(method.get("id"), str):
            continue
        method_id = method["id"] if method["id"].startswith("did:") else did + method["id"]
        if not method_id.startswith(did + "#") or method_id not in listed_ids:
            continue
        if method.get("type") != "Multikey" or method.get("controller") != did:
            continue
        try:
            public_key_from_multibase(str(method.get("publicKeyMultibase", "")))
        except MultikeyError:
            continue
        methods.append(
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": str(method["publicKeyMultibase"]),
            }
        )
    if not methods:
        raise EndorserRefused(
            _("The DID document lists no Ed25519 Multikey for issuing (assertionMethod).")
        )
    return methods


def resolve_did_web(did: str) -> tuple[str, list[dict[str, str]]]:
    """(the document's URL, its usable keys); EndorserRefused says why not."""
    url = document_url(did)
    private_ok = [LOOPBACK] if url.startswith("http://") else []
    try:
        response = fetch(
            "GET",
            url,
            allowed_hosts=[host_key(url)],
            private_ok=private_ok,
            deadline_s=DID_DEADLINE_S,
            max_bytes=DID_DOCUMENT_MAX_BYTES,
            headers={"Accept": "application/did+json, application/json"},
        )
    except OutboundError as exc:
        raise EndorserRefused(
            _("The DID document could not be read: %(why)s") % {"why": exc}
        ) from exc
    if response.status_code != 200:
        raise EndorserRefused(
            _("The DID document could not be read: the server answered %(status)s.")
            % {"status": response.status_code}
        )
    try:
        document = json.loads(response.content)
    except ValueError as exc:
        raise EndorserRefused(_("The DID document is not JSON.")) from exc
    return url, _methods(did, document)


def register_endorser(*, did: str, name: str, actor: str) -> Endorser:
    """Register (or refresh the keys of) the organisation at `did`, with an audit entry."""
    did = (did or "").strip()
    name = (name or "").strip()
    if not name:
        raise EndorserRefused(_("Give the organisation's name."))
    url, methods = resolve_did_web(did)
    with transaction.atomic():
        existing = Endorser.objects.select_for_update().filter(did=did).first()
        before = (
            {"name": existing.name, "keys": [m["id"] for m in existing.verification_methods]}
            if existing
            else None
        )
        endorser, _created = Endorser.objects.update_or_create(
            did=did,
            defaults={
                "name": name[:200],
                "verification_methods": methods,
                "document_url": url,
                "active": True,
                "registered_by": actor,
            },
        )
        record_event(
            actor=actor,
            action="endorser.registered",
            object_type="awarding.Endorser",
            object_id=did,
            before=before,
            after={"name": endorser.name, "keys": [m["id"] for m in methods], "url": url},
        )
    return endorser


def deregister_endorser(*, endorser: Endorser, actor: str) -> Endorser:
    """Stop trusting the organisation's keys: its endorsements no longer verify here (and so
    are refused), those already accepted stay recorded; registering it again restores it."""
    with transaction.atomic():
        locked = Endorser.objects.select_for_update().get(pk=endorser.pk)
        if not locked.active:
            return locked
        locked.active = False
        locked.save(update_fields=["active"])
        record_event(
            actor=actor,
            action="endorser.deregistered",
            object_type="awarding.Endorser",
            object_id=locked.did,
            before={"active": True},
            after={"active": False},
        )
    return locked


def registered_did_document(did: str) -> dict[str, Any] | None:
    """The stored keys of an active registered endorser (for credentials' verifier)."""
    endorser = Endorser.objects.filter(did=did, active=True).first()
    return endorser.did_document() if endorser else None
