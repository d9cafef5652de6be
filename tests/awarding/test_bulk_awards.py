"""Bulk award and revocation against the database: the preview of every line, the token that
binds it to the apply, all or nothing (rollback leaves no row, no audit entry, no task)."""

from __future__ import annotations

import json

import pytest
from django.db.models.signals import pre_save

from audit.models import AuditEvent
from awarding import bulk_awards
from awarding.bulk_awards import BulkRefused, apply_upload, preview, store_upload
from awarding.bulk_csv import CsvRefused, Outcome
from awarding.models import Award, Notification
from awarding.review_models import BulkUpload
from credentials.local_verification import verify_credential
from credentials.models import Credential
from tests.fault_injection import InjectedFault
from tests.pages.world import issue, make_world

pytestmark = pytest.mark.django_db

QA = "user:7"


@pytest.fixture
def world(settings):
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    w = make_world(learner_names=("Ada Lovelace", "Grace Hopper", "Alan Turing"))
    ada, grace, alan = w.learners
    type(ada).objects.filter(pk=ada.pk).update(lis_person_sourcedid="SID-ADA")
    return w


def _csv(*lines: str, header: str = "learner,achievement,reason,evidence_url") -> bytes:
    return ("\n".join((header, *lines)) + "\n").encode()


def _upload(world, data: bytes, kind: str = "award") -> BulkUpload:
    return store_upload(course=world.course, kind=kind, data=data, file_name="awards.csv", actor=QA)


def test_the_preview_names_every_lines_outcome_against_the_database(world):
    ada, grace, alan = world.learners
    issue(world, grace)
    outsider = make_world(platform=world.platform, learner_names=("Olga Outsider",)).learners[0]
    upload = _upload(
        world,
        _csv(
            "SID-ADA,Data Literacy Badge,Portfolio reviewed by the panel,https://example.org/ada",
            f"{grace.sub},Data Literacy Badge,Portfolio reviewed by the panel,",
            "nobody,Data Literacy Badge,Portfolio reviewed by the panel,",
            f"{alan.sub},Knitting,Portfolio reviewed by the panel,",
            f"{outsider.sub},Data Literacy Badge,Portfolio reviewed by the panel,",
            f"{alan.sub},Data Literacy Badge,no,",
            f"{alan.sub},{world.achievement.uuid},Portfolio reviewed by the panel,",
        ),
    )
    shown = preview(upload, actor=QA)
    assert [(o.line, o.outcome) for o in shown.outcomes] == [
        (2, Outcome.WILL_AWARD),
        (3, Outcome.ALREADY_HOLDS),
        (4, Outcome.UNKNOWN_LEARNER),
        (5, Outcome.UNKNOWN_ACHIEVEMENT),
        (6, Outcome.NOT_ENROLLED),
        (7, Outcome.MALFORMED),
        (8, Outcome.WILL_AWARD),
    ]
    assert shown.token == "" and not shown.applicable


def test_apply_awards_every_line_and_issues_after_commit(world, django_capture_on_commit_callbacks):
    ada, grace, _ = world.learners
    upload = _upload(
        world,
        _csv(
            "SID-ADA,data literacy badge,Prior learning: the national certificate,https://example.org/a",
            f"{grace.sub},Data Literacy Badge,Reviewed the capstone portfolio,",
        ),
    )
    shown = preview(upload, actor=QA)
    assert shown.applicable
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert apply_upload(upload=upload, token=shown.token, actor=QA) == 2
    assert callbacks, "issuance is enqueued on commit"
    awards = Award.objects.filter(learner__in=(ada, grace)).order_by("learner__name")
    assert [(a.basis, a.state) for a in awards] == [("review", "issued")] * 2
    for award in awards:
        document = json.loads(Credential.objects.get(pk=award.uuid).document)
        assert verify_credential(document).ok
        review = document["evidence"][0]
        assert review["genre"] == "Review" and "Awarded by review" in review["narrative"]
        assert Notification.objects.filter(award=award, kind="awarded").exists()
    by_learner = {a.learner_id: a for a in awards}
    assert (
        json.loads(Credential.objects.get(pk=by_learner[ada.pk].uuid).document)["evidence"][0]["id"]
        == "https://example.org/a"
    )
    grace_award = by_learner[grace.pk]
    assert grace_award.evidence_items[0]["id"] == (
        f"https://tool.example.edu/evidence/{grace_award.uuid}#review"
    )
    upload.refresh_from_db()
    assert upload.state == BulkUpload.State.APPLIED and upload.applied_by == QA
    assert (
        AuditEvent.objects.filter(action="bulk.applied_award", object_id=str(upload.uuid)).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="award.granted").count() == 2
    # Never twice.
    with pytest.raises(BulkRefused, match="already applied"):
        apply_upload(upload=upload, token=shown.token, actor=QA)


def _fail_on_second_award():
    created = []

    def receiver(sender, instance, **kwargs):
        if instance._state.adding:
            created.append(instance)
            if len(created) == 2:
                raise InjectedFault("the second award fails")

    pre_save.connect(receiver, sender=Award, weak=False, dispatch_uid="tests:bulk-second-award")
    return lambda: pre_save.disconnect(sender=Award, dispatch_uid="tests:bulk-second-award")


def test_one_failing_line_rolls_back_every_award_audit_entry_and_task(
    world, django_capture_on_commit_callbacks
):
    ada, grace, alan = world.learners
    upload = _upload(
        world,
        _csv(
            *(
                f"{p.sub},Data Literacy Badge,Reviewed the capstone portfolio,"
                for p in world.learners
            )
        ),
    )
    shown = preview(upload, actor=QA)
    events_before = AuditEvent.objects.count()
    disconnect = _fail_on_second_award()
    try:
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            pytest.raises(InjectedFault),
        ):
            apply_upload(upload=upload, token=shown.token, actor=QA)
    finally:
        disconnect()
    assert not Award.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert callbacks == []  # no issuance, notice or post-back was enqueued
    upload.refresh_from_db()
    assert upload.state == BulkUpload.State.UPLOADED
    # The same preview applies once the fault is gone: nothing was half done.
    assert apply_upload(upload=upload, token=shown.token, actor=QA) == 3


def test_a_stale_preview_is_refused_and_nothing_is_written(world):
    ada, grace, _ = world.learners
    upload = _upload(
        world,
        _csv(
            *(f"{p.sub},Data Literacy Badge,Reviewed the capstone portfolio," for p in (ada, grace))
        ),
    )
    shown = preview(upload, actor=QA)
    issue(world, grace)  # meanwhile Grace earns it through her grades
    with pytest.raises(BulkRefused) as refused:
        apply_upload(upload=upload, token=shown.token, actor=QA)
    assert refused.value.stale
    assert [o.outcome for o in refused.value.outcomes] == [
        Outcome.WILL_AWARD,
        Outcome.ALREADY_HOLDS,
    ]
    assert not Award.objects.filter(learner=ada).exists()
    assert not AuditEvent.objects.filter(action__startswith="bulk.applied").exists()


def test_the_token_binds_the_preview_to_its_upload_and_person(world):
    data = _csv(f"{world.learners[0].sub},Data Literacy Badge,Reviewed the capstone portfolio,")
    first, second = _upload(world, data), _upload(world, data)
    token = preview(first, actor=QA).token
    with pytest.raises(BulkRefused, match="another upload or person"):
        apply_upload(upload=second, token=token, actor=QA)
    with pytest.raises(BulkRefused, match="another upload or person"):
        apply_upload(upload=first, token=token, actor="user:8")
    with pytest.raises(BulkRefused, match="expired or is not valid"):
        apply_upload(upload=first, token=token + "x", actor=QA)
    assert not Award.objects.exists()


def _two_awards_and_a_revocation_file(world):
    """Ada's and Grace's awards, and a revocation file naming both with their reasons."""
    ada, grace, _ = world.learners
    awards = [issue(world, ada), issue(world, grace)]
    upload = _upload(
        world,
        _csv(
            f"{ada.sub},Data Literacy Badge,Entered for the wrong person,Issued in error",
            f"{grace.sub},Data Literacy Badge,Misconduct finding of 2 December,misconduct",
            header="learner,achievement,reason,public_reason",
        ),
        kind="revoke",
    )
    return awards, upload


def test_bulk_revoke_revokes_every_line_with_its_public_reason(
    world, django_capture_on_commit_callbacks
):
    awards, upload = _two_awards_and_a_revocation_file(world)
    shown = preview(upload, actor=QA)
    assert [o.outcome for o in shown.outcomes] == [Outcome.WILL_REVOKE] * 2
    with django_capture_on_commit_callbacks(execute=True):
        apply_upload(upload=upload, token=shown.token, actor=QA)
    for award, category in zip(awards, ("issued_in_error", "misconduct"), strict=True):
        award.refresh_from_db()
        assert award.state == Award.State.REVOKED
        credential = Credential.objects.get(pk=award.uuid)
        assert credential.status == Credential.Status.REVOKED
        assert credential.status_category == category
        assert Notification.objects.filter(award=award, kind="revoked").exists()


def test_bulk_revoke_is_all_or_nothing_too(world, django_capture_on_commit_callbacks):
    ada, grace, _ = world.learners
    awards = [issue(world, ada), issue(world, grace)]
    upload = _upload(
        world,
        _csv(
            *(
                f"{p.sub},Data Literacy Badge,Entered for the wrong person,other"
                for p in (ada, grace)
            ),
            header="learner,achievement,reason,public_reason",
        ),
        kind="revoke",
    )
    shown = preview(upload, actor=QA)

    def fail_second(sender, instance, **kwargs):
        if instance.state == Award.State.REVOKED and instance.learner_id == grace.pk:
            raise InjectedFault("the second revocation fails")

    pre_save.connect(fail_second, sender=Award, weak=False, dispatch_uid="tests:bulk-revoke-fail")
    try:
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            pytest.raises(InjectedFault),
        ):
            apply_upload(upload=upload, token=shown.token, actor=QA)
    finally:
        pre_save.disconnect(sender=Award, dispatch_uid="tests:bulk-revoke-fail")
    assert callbacks == []
    for award in awards:
        award.refresh_from_db()
        assert award.state == Award.State.ISSUED
        assert Credential.objects.get(pk=award.uuid).status == Credential.Status.ACTIVE
    assert not Notification.objects.filter(kind="revoked").exists()


def test_a_file_that_cannot_be_read_is_not_stored(world):
    with pytest.raises(CsvRefused):
        _upload(world, "learner,achievement,reason\nJosé,x,yyyyyy\n".encode("cp1252"))
    assert not BulkUpload.objects.exists()


def test_the_upload_and_its_audit_entry(world):
    upload = _upload(world, _csv("a,b,ccccc,"))
    assert upload.row_count == 1 and upload.content.startswith("learner,")
    event = AuditEvent.objects.get(action="bulk.uploaded")
    assert event.object_id == str(upload.uuid)
    assert bulk_awards.TOKEN_MAX_AGE <= 3600


def test_a_files_audit_events_are_one_append_to_the_chain_in_line_order(world):
    """Every line's events and the file's own are appended at the end of the apply with one
    hold of the chain's head (ADR 0074), in the order the lines were applied."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.verify import verify_chain

    awards, upload = _two_awards_and_a_revocation_file(world)
    shown = preview(upload, actor=QA)
    first = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        apply_upload(upload=upload, token=shown.token, actor=QA)
    head_holds = [
        q for q in queries.captured_queries if 'UPDATE "audit_auditchainhead"' in q["sql"]
    ]
    assert len(head_holds) == 2  # one append: its seq, then its hash
    appended = AuditEvent.objects.filter(seq__gt=first).order_by("seq")
    assert [(e.action, e.object_id) for e in appended] == [
        ("credential.revoked", str(awards[0].uuid)),
        ("award.revoked", str(awards[0].uuid)),
        ("credential.revoked", str(awards[1].uuid)),
        ("award.revoked", str(awards[1].uuid)),
        ("bulk.applied_revoke", str(upload.uuid)),
    ]
    assert verify_chain().ok
