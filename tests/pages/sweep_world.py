"""The world the page sweep (`test_every_page.py`) visits: one course with every state a page
can show — an issued, a flagged, a revoked and a suspended award, a pending status change, a
draft rubric, QA's and an outside organisation's endorsements, a connected backpack, an award
proposal and a bulk CSV waiting for QA, a shared learner record, a pathway in use and a draft
one. `sweep_visits.py` turns it into the list of pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from awarding.award_issuance import issuer_for
from awarding.award_proposals import propose_award
from awarding.bulk_awards import store_upload
from awarding.endorsements import accept_external_endorsement, endorse_as_qa
from awarding.models import Award, Endorser
from awarding.status_changes import request_status_change
from credentials.documents import IssuerInput
from credentials.endorsement_json import EndorsementInput, compose_endorsement
from credentials.models import Credential, StatusCategory
from credentials.multikey import public_key_multibase
from credentials.proofs import sign_document
from learner_records.records import create_record, set_sharing
from pathways import definition
from rubrics.actors import Actor
from rubrics.workflow import new_draft
from tests.ob_api.backpack import Backpack
from tests.pathways.builders import active_pathway, competence, level
from tests.pathways.builders import qa as qa_actor

from .world import World, issue, issue_flag_and_revoke, make_world


@dataclass
class SweepWorld:
    w: World
    issued: Award
    revoked: Award
    suspended: Award
    change: Any  # StatusChange, pending QA's confirmation
    draft: Any  # RubricVersion, a draft of the course's rubric
    backpack: Backpack
    proposal: Any  # AwardProposal, waiting for QA
    upload: Any  # BulkUpload, previewed, one line failing
    record: Any  # LearnerRecordVersion of Ana, shared
    pathway_in_use: Any
    pathway_draft: Any


def build_sweep_world(base_url: str) -> SweepWorld:
    w, issued, revoked, draft, backpack, suspended, change = _world(base_url)
    ana = w.learners[0]
    # Ana's learner record (ADR 0068), shared: her page, the share link, the verifier's answer.
    record = create_record(actor=f"lti:{w.platform.pk}:{ana.sub}", learner=ana)
    set_sharing(actor="sweep", record=record.record, shared=True)
    proposal, upload = _review_world(w)
    in_use, pathway_draft = _pathways(w)
    return SweepWorld(
        w=w,
        issued=issued,
        revoked=revoked,
        suspended=suspended,
        change=change,
        draft=draft,
        backpack=backpack,
        proposal=proposal,
        upload=upload,
        record=record,
        pathway_in_use=in_use,
        pathway_draft=pathway_draft,
    )


def _world(base_url: str):
    w = make_world(
        learner_names=(
            "Ana García-Fernández de la Concepción",
            "Grace Hopper",
            "Alan Turing",
            "Linus Lindqvist",
            "Katherine Johnson",
        )
    )
    ana, grace, alan, linus, katherine = w.learners
    # Endorsed before anything is issued: the credentials carry it (ADR 0066).
    w.endorsement = endorse_as_qa(
        achievement=w.achievement,
        comment="Reviewed by the quality-assurance office against DigComp 2.2 level 4.",
        actor="user:qa",
    )
    _endorse_the_issuer(w)
    issued, _, revoked = issue_flag_and_revoke(w, ana, grace, alan)
    suspended = issue(w, linus)
    Credential.objects.filter(pk=suspended.credential.pk).update(status=Credential.Status.SUSPENDED)
    change = request_status_change(
        award=issue(w, katherine),
        action="revoke",
        private_reason="The grade was entered for the wrong person.",
        public_category=StatusCategory.ISSUED_IN_ERROR,
        actor=f"lti:{w.platform.pk}:{w.instructor.sub}",
        actor_name=w.instructor.name,
    )
    teacher = Actor(
        id=f"lti:{w.platform.pk}:{w.instructor.sub}",
        name=w.instructor.name,
        course_id=w.course.pk,
        platform_id=w.platform.pk,
    )
    draft = new_draft(rubric=w.rubric, actor=teacher)
    backpack = Backpack(base_url)
    assert backpack.register().status_code == 201
    return w, issued, revoked, draft, backpack, suspended, change


def _endorse_the_issuer(w) -> None:
    """An outside organisation's endorsement of the issuer's profile (its page shows it). Its
    keys are stored as registration would store them (tests/awarding reads them over HTTP)."""
    key = Ed25519PrivateKey.generate()
    did = "did:web:guild.example"
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": public_key_multibase(key.public_key()),
    }
    Endorser.objects.create(
        did=did,
        name="Employers' Guild of Lower Saxony and Bremen",
        verification_methods=[method],
        document_url="https://guild.example/.well-known/did.json",
        registered_by="operator:test",
    )
    issuer = issuer_for(platform=w.platform)
    signed = sign_document(
        compose_endorsement(
            EndorsementInput(
                credential_id="https://guild.example/endorsements/1",
                issuer=IssuerInput(id=did, name="Employers' Guild", url="https://guild.example"),
                subject_id=issuer.did,
                name="The guild endorses this issuer",
                comment="Its credentials are recognised by our member companies when hiring.",
                valid_from="2026-01-01T00:00:00Z",
            )
        ),
        private_key=key,
        verification_method=method["id"],
        created="2026-01-01T00:00:00Z",
    )
    accept_external_endorsement(
        text=json.dumps(signed), actor="user:qa", platform_ids={w.platform.pk}
    )


def _review_world(w):
    """A proposal waiting for QA and a bulk CSV with a failing line, for their pages."""
    proposal = propose_award(
        course=w.course,
        learner=w.learners[2],  # his grade award was revoked: he holds nothing live
        achievement=w.achievement,
        kind="prior_learning",
        reason="Holds the national data analyst certificate of 2024, covering both criteria.",
        evidence_url="https://certificates.example.org/alan-turing/2024/data-analyst",
        actor=f"lti:{w.platform.pk}:{w.instructor.sub}",
        actor_name=w.instructor.name,
    )
    subs = [p.sub for p in w.learners]
    upload = store_upload(
        course=w.course,
        kind="award",
        data=(
            "learner,achievement,reason,evidence_url\n"
            f"{subs[2]},{w.achievement.name},Recognised prior learning: the national "
            "certificate,https://certificates.example.org/a-rather-long-address/2024\n"
            f"{subs[0]},{w.achievement.name},Already holds it but listed anyway,\n"
            "nobody-with-this-identifier,Knitting,x,\n"
        ).encode(),
        file_name="awards-autumn-term.csv",
        actor="user:1",
    )
    return proposal, upload


def _pathways(w):
    """A pathway in use (the learner page shows its progress; Ana is one credential away)
    and a draft one with its editing forms."""
    other = make_world(platform=w.platform, learner_names=(), achievement_name="Data Ethics")
    in_use = active_pathway(
        w.platform, components=[(w.achievement, None), (other.achievement, None)]
    )
    author = qa_actor(w.platform)
    draft = definition.create_pathway(
        platform=w.platform,
        name="Datenkompetenz-Zertifikat für Fortgeschrittene",
        description="A draft.",
        criteria_narrative="Hold both.",
        rule="n_of",
        required_count=1,
        actor=author,
    )
    definition.add_component(
        pathway=draft, achievement=w.achievement, min_level=level(4), actor=author
    )
    definition.add_competency(
        pathway=draft, competence=competence("5"), min_level=level(3), count=2, actor=author
    )
    return in_use, draft
