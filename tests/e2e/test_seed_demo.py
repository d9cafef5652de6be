"""`seed_demo` sets up the whole story and can be run again."""

from io import StringIO

import pytest
from django.core.management import call_command

from awarding.models import Award, AwardingRule, Decision, Endorsement
from credentials.local_verification import verify_credential
from demo import pathway_story
from demo.steps import ACHIEVEMENT_NAME
from learner_records.models import RecordVersion
from lti_tool.models import Platform
from tests.awarding.preload import ensure_preloaded

pytestmark = pytest.mark.django_db(transaction=True)


def _seed(live_server) -> str:
    out = StringIO()
    call_command("seed_demo", "--no-serve", "--learners", "12", stdout=out)
    return out.getvalue()


def test_seed_demo_issues_credentials_and_is_idempotent(live_server, settings):
    ensure_preloaded()
    settings.PUBLIC_BASE_URL = live_server.url
    first = _seed(live_server)

    rule = AwardingRule.objects.get(achievement__name=ACHIEVEMENT_NAME)
    assert rule.rubric.versions.get().state == "active"
    # 12 learners: 2 miss the `create` threshold, 2 have no `privacy` grade yet.
    assert Award.objects.filter(rule=rule, state=Award.State.ISSUED).count() == 8
    assert Decision.objects.filter(rule=rule, outcome="insufficient_evidence").count() == 2
    # The pathway: the first learners hold both courses' credentials and so the stacked one,
    # issued through the pipeline and verifying like the others.
    stacked = Award.objects.filter(achievement__name=pathway_story.PATHWAY_NAME)
    assert stacked.count() == pathway_story.GRADED
    for award in stacked:
        assert award.state == Award.State.ISSUED and award.components.count() == 2
        assert verify_credential(award.credential.data).ok
    assert f"{pathway_story.PATHWAY_NAME} stacks" in first
    assert "one credential away" in first
    assert "password: " in first and f"{live_server.url}/qa/" in first
    assert "/gradebook" in first
    # One endorsement by the QA office, one by the guild whose did:web the demo serves; every
    # credential issued after them carries both, and each verifies.
    endorsements = list(Endorsement.objects.order_by("created_at"))
    assert [e.endorser_id is None for e in endorsements] == [True, False]
    assert all(verify_credential(e.data).ok for e in endorsements)
    credential = Award.objects.filter(rule=rule, state=Award.State.ISSUED).first().credential.data
    embedded = credential["credentialSubject"]["achievement"]["endorsement"]
    assert embedded == [e.data for e in endorsements]
    assert "Endorsements (2)" in first

    # The learner record of a learner holding credentials, shared, signed once.
    version = RecordVersion.objects.get()
    assert version.record.shared and f"/records/{version.record.share_token}" in first
    assert verify_credential(version.credential.data).ok

    second = _seed(live_server)
    assert RecordVersion.objects.count() == 1  # up to date: kept as it was
    assert Platform.objects.count() == 1
    assert AwardingRule.objects.count() == 2
    assert Award.objects.filter(rule=rule).count() == 8
    assert stacked.count() == pathway_story.GRADED
    assert Endorsement.objects.count() == 2
    assert first.split("password: ")[1].split()[0] != second.split("password: ")[1].split()[0]
