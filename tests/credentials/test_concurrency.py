"""Concurrent issuance on PostgreSQL: one credential per id, never a shared status index."""

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.issuers import get_or_create_issuer
from credentials.models import Credential

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BASE = "http://127.0.0.1:8000"


def _run_threads(target, count):
    errors, results = [], []
    barrier = threading.Barrier(count)

    def run(n):
        try:
            barrier.wait()
            results.append(target(n))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _issue(issuer, cid, n=0):
    achievement = demo.demo_achievement(BASE)
    return issue_credential(
        issuer=issuer,
        credential_id=cid,
        achievement=achievement,
        subject=demo.demo_subject(n),
        results=demo.demo_results(achievement),
        evidence=demo.demo_evidence(BASE, str(cid)),
        valid_from=timezone.now().replace(microsecond=0),
    ).pk


def test_same_id_issued_concurrently_is_stored_once(settings):
    settings.PUBLIC_BASE_URL = BASE
    issuer = get_or_create_issuer(slug="uni", name="Uni", url="https://u.example")
    cid = uuid.uuid4()
    results, errors = _run_threads(lambda n: _issue(issuer, cid, n), 4)
    assert errors == [] and set(results) == {cid}
    assert Credential.objects.count() == 1


def test_concurrent_issuers_get_distinct_indexes(settings):
    settings.PUBLIC_BASE_URL = BASE
    issuer = get_or_create_issuer(slug="uni", name="Uni", url="https://u.example")
    results, errors = _run_threads(lambda n: _issue(issuer, uuid.uuid4(), n), 6)
    assert errors == [] and len(results) == 6
    pairs = list(Credential.objects.values_list("status_list_id", "status_index"))
    assert len(set(pairs)) == 6
