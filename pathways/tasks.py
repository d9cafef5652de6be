"""Celery entry points of pathways (thin: the work is in `stacking`). Idempotent, acks_late."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .models import Pathway
from .stacking import check_pathway, check_people, check_person, recheck_after_revocation

_DB_ERRORS = (OperationalError, InterfaceError)
_COMMON: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True, "retry_backoff": True}


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=5, **_COMMON)
def check_person_task(self, *, learner_id: int) -> int:
    return len(check_person(learner_id=learner_id))


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=5, **_COMMON)
def check_people_task(self, *, learner_ids: list[int]) -> int:
    """The learners of one issued batch (ADR 0074)."""
    return len(check_people(learner_ids=learner_ids))


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=5, **_COMMON)
def check_pathway_task(self, *, pathway_id: int) -> int:
    pathway = Pathway.objects.filter(pk=pathway_id).first()
    return check_pathway(pathway=pathway) if pathway is not None else 0


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=5, **_COMMON)
def recheck_stacked_task(self, *, award_id: int) -> int:
    return len(recheck_after_revocation(component_award_id=award_id))
