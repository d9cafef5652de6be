"""Two accounts are one person only through an approved link between platforms of one
institution: asked for by one staff member, approved by another, each step audited. A shared
e-mail address links nothing."""

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Learner
from audit.models import AuditEvent
from pathways.account_links import (
    AccountLinkError,
    approve_link,
    person_learner_ids,
    remove_link,
    request_link,
)
from pathways.models import AccountLink
from tests.pages.world import make_world

from .builders import one_institution

pytestmark = pytest.mark.django_db


def _three_platforms():
    worlds = [make_world(learner_names=(f"Ada {i}",)) for i in range(3)]
    one_institution(*(w.platform for w in worlds))
    return [w.learners[0] for w in worlds]


def test_a_link_is_asked_for_then_approved_by_someone_else_and_audited():
    ada_moodle, ada_canvas, _ = _three_platforms()
    link = request_link(
        one=ada_canvas, other=ada_moodle, reason="ID card seen at the registry", actor="user:1"
    )
    assert (link.first_id, link.second_id) == tuple(sorted((ada_moodle.pk, ada_canvas.pk)))
    assert person_learner_ids(ada_moodle.pk) == {ada_moodle.pk}  # not before approval
    with pytest.raises(AccountLinkError, match="another person"):
        approve_link(link=link, actor="user:1")
    approve_link(link=link, actor="user:2")
    assert person_learner_ids(ada_moodle.pk) == {ada_moodle.pk, ada_canvas.pk}
    assert person_learner_ids(ada_canvas.pk) == {ada_moodle.pk, ada_canvas.pk}
    remove_link(link=link, actor="user:2")
    assert person_learner_ids(ada_moodle.pk) == {ada_moodle.pk}
    assert list(
        AuditEvent.objects.filter(object_type="account_link").values_list("action", flat=True)
    ) == ["account_link.requested", "account_link.approved", "account_link.removed"]


def test_links_chain_through_a_third_account():
    a, b, c = _three_platforms()
    for one, other in ((a, b), (b, c)):
        approve_link(link=request_link(one=one, other=other, reason="r", actor="u:1"), actor="u:2")
    assert person_learner_ids(a.pk) == person_learner_ids(c.pk) == {a.pk, b.pk, c.pk}


def test_links_that_cannot_be_made():
    a, b, _ = _three_platforms()
    same_platform = Learner.objects.create(platform=a.platform, sub="ada-2", name="Ada again")
    stranger = make_world(learner_names=("Eve",)).learners[0]  # another institution
    cases = [
        (a, a, "reason", "itself"),
        (a, same_platform, "reason", "same platform"),
        (a, stranger, "reason", "different institutions"),
        (a, b, "  ", "Say how you know"),
    ]
    for one, other, reason, message in cases:
        with pytest.raises(AccountLinkError, match=message):
            request_link(one=one, other=other, reason=reason, actor="u:1")
    request_link(one=a, other=b, reason="r", actor="u:1")
    with pytest.raises(AccountLinkError, match="already"):
        request_link(one=b, other=a, reason="r", actor="u:1")


def test_the_database_refuses_a_self_approved_or_unordered_link():
    a, b, _ = _three_platforms()
    first, second = sorted((a, b), key=lambda learner: learner.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountLink.objects.create(first=second, second=first, reason="r", requested_by="u:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountLink.objects.create(
            first=first,
            second=second,
            reason="r",
            requested_by="u:1",
            decided_by="u:1",
            state="approved",
        )


def test_the_same_email_on_two_platforms_links_nothing():
    a, b, _ = _three_platforms()
    Learner.objects.filter(pk__in=(a.pk, b.pk)).update(email="ada@example.org")
    assert person_learner_ids(a.pk) == {a.pk}
