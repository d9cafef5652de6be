"""The demo's endorsements: one by the institution's QA, one by an outside organisation
(the guild of `endorser_org`), registered by its did:web and accepted through the same
services QA uses. Idempotent."""

from __future__ import annotations

import json

from awarding.award_issuance import base_url
from awarding.credential_inputs import achievement_url
from awarding.endorsements import accept_external_endorsement, endorse_as_qa
from awarding.endorser_registry import register_endorser
from awarding.models import Achievement, Endorsement
from rubrics.actors import Actor

from . import endorser_org

QA_COMMENT = (
    "Reviewed by the quality-assurance office: the rubric's thresholds match DigComp 2.2 "
    "proficiency level 3-4 (Intermediate) for each aligned competence."
)


def seed_endorsements(*, achievement: Achievement, qa: Actor) -> list[Endorsement]:
    found = list(Endorsement.objects.filter(achievement=achievement))
    if not any(e.endorser_id is None for e in found):
        found.append(endorse_as_qa(achievement=achievement, comment=QA_COMMENT, actor=qa.id))
    if not any(e.endorser_id is not None for e in found):
        register_endorser(
            did=endorser_org.guild_did(), name=endorser_org.GUILD_NAME, actor="operator:demo"
        )
        signed = endorser_org.signed_endorsement(
            subject_id=achievement_url(base_url(), achievement.uuid), subject_name=achievement.name
        )
        found.append(
            accept_external_endorsement(
                text=json.dumps(signed, indent=2), actor=qa.id, platform_ids=qa.qa_platform_ids
            )
        )
    return found
