"""A Celery worker process killed between signing and storing: after the redelivery, exactly
one verifying credential, under the UUID reserved before signing."""

import json

import pytest

from awarding import dispatch
from awarding.models import Award, Decision
from credentials.local_verification import verify_credential
from credentials.models import Credential
from tests.awarding.scenario import build
from tests.fault_injection import ENV

from .story import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
]


@pytest.fixture
def kill_before_store(tmp_path, monkeypatch):
    """Set before the worker starts, so its processes inherit it; fires once (marker file)."""
    marker = tmp_path / "kill-once"
    marker.touch()
    monkeypatch.setenv(ENV, f"kill:{marker}")
    return marker


@pytest.fixture
def celery_worker_app(kill_before_store) -> str:
    """The worker of this test runs the app that connects the fault (tests/fault_worker.py)."""
    return "tests.fault_worker"


def test_worker_killed_between_sign_and_store(
    kill_before_store, celery_worker, live_server, settings
):
    settings.PUBLIC_BASE_URL = live_server.url  # what the worker signs with (its did:web)
    sc = build()
    learner = sc.add_learners(1)[0]
    sc.grade_all(learner, 1.0)

    dispatch.enqueue_evaluation(rule_id=sc.rule.pk, learner_ids=[learner.pk], trigger="fault")

    wait_for(
        lambda: Award.objects.filter(state=Award.State.ISSUED).exists(),
        timeout=120,
        what="the redelivered task to issue the award",
    )
    assert not kill_before_store.exists(), "the fault never fired"
    award = Award.objects.get()
    assert Credential.objects.count() == 1
    credential = Credential.objects.get()
    assert credential.pk == award.uuid == award.credential_id
    assert verify_credential(json.loads(credential.document)).ok
    assert Decision.objects.filter(learner=learner).count() >= 1
    assert celery_worker.poll() is None  # the pool replaced its child; the worker lives on
