"""Registering an outside endorsing organisation by did:web (ADR 0066,
awarding/endorser_registry.py): its DID document is read once, at registration, through the
tool's one outbound transport (ADR 0045) — a deadline, a size cap, no redirect followed, no
private address — and only a did:web naming a document of its own with an Ed25519 key is
kept. The organisation is a real HTTP server on loopback."""

from __future__ import annotations

import json
import time

import pytest

from awarding import endorser_registry
from awarding.endorser_registry import EndorserRefused, register_endorser

from .endorser_site import EndorserSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback(settings):
    settings.ENDORSER_LOOPBACK_DIDS = True
    return settings


@pytest.fixture
def site():
    s = EndorserSite()
    yield s
    s.close()


def _register_refused(did: str, match: str) -> None:
    with pytest.raises(EndorserRefused, match=match):
        register_endorser(did=did, name="Acme", actor="user:operator")


def test_a_did_document_too_large_is_refused(loopback, site):
    did = site.did()
    document = site.publish(did)
    document["padding"] = "x" * 70_000
    site.routes["/.well-known/did.json"] = (200, {}, json.dumps(document).encode())
    _register_refused(did, "at most 65536")


def test_a_slow_did_document_is_cut_at_the_deadline(loopback, site, monkeypatch):
    monkeypatch.setattr(endorser_registry, "DID_DEADLINE_S", 1.0)
    did = site.did()
    site.publish(did)
    site.delay_s = 3
    started = time.monotonic()
    _register_refused(did, "deadline")
    assert time.monotonic() - started < 2.5


def test_a_redirect_to_another_host_is_not_followed(loopback, site):
    elsewhere = EndorserSite()
    try:
        did = site.did()
        elsewhere.publish(did)
        site.routes["/.well-known/did.json"] = (
            302,
            {"Location": f"http://127.0.0.1:{elsewhere.port}/.well-known/did.json"},
            b"",
        )
        _register_refused(did, "302")
        assert elsewhere.requests == []
    finally:
        elsewhere.close()


def test_a_document_of_another_did_or_without_a_usable_key_is_refused(loopback, site):
    did = site.did()
    document = site.publish(site.did("orgs", "x"))
    site.routes["/.well-known/did.json"] = (200, {}, json.dumps(document).encode())
    _register_refused(did, "does not describe")
    document = site.publish(did)
    document["assertionMethod"] = []
    site.routes["/.well-known/did.json"] = (200, {}, json.dumps(document).encode())
    _register_refused(did, "no Ed25519")


def test_loopback_dids_need_the_setting_and_other_identifiers_are_refused(loopback, site, settings):
    _register_refused("did:key:z6Mk", "not a did:web")
    _register_refused("did:web:exa mple.org", "not a did:web")
    _register_refused("did:web:acme.example:..:admin", "not a did:web")
    _register_refused("did:web:acme.example:%2E%2E%2Fadmin", "not a did:web")
    settings.ENDORSER_LOOPBACK_DIDS = False
    _register_refused(site.did(), "own address")
    settings.ENDORSER_DID_HOSTS = ["trusted.example"]
    _register_refused("did:web:acme.example", "not on the list")


def test_a_did_on_a_private_address_is_never_read(loopback, settings):
    settings.ENDORSER_LOOPBACK_DIDS = False
    # An address literal and a name: neither may reach a private network (ADR 0045).
    _register_refused("did:web:10.0.0.8", "private address")
    _register_refused("did:web:192.168.1.20%3A8443:orgs:acme", "private address")
