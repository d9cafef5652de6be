"""The service that lets an LMS administrator into QA: one scoped console user per person and
platform, granted once, withdrawn by the operator for good, and audited with its change."""

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from rubrics.models import QAScope
from rubrics.qa_scopes import QAAccessWithdrawn, admit_lms_administrator

from .conftest import make_platform

pytestmark = pytest.mark.django_db


def test_first_admission_grants_a_scope_for_that_platform_and_audits_it(platform):
    user, created = admit_lms_administrator(platform_id=platform.pk, sub="adm-1", name="Ada")
    assert created and not user.has_usable_password() and user.first_name == "Ada"
    scope = QAScope.objects.get(user=user)
    assert scope.platform_id == platform.pk
    granted = AuditEvent.objects.get(action="qa_scope.granted")
    assert granted.actor == f"lti:{platform.pk}:adm-1" and granted.object_id == str(scope.pk)
    assert granted.after == {"user_id": user.pk, "platform_id": platform.pk}
    assert granted.platform_id == platform.pk
    handoff = AuditEvent.objects.get(action="qa_console.handoff")
    assert handoff.after == {"user_id": user.pk, "created": True}


def test_a_later_admission_is_the_same_user_and_grants_nothing_new(platform):
    first, _ = admit_lms_administrator(platform_id=platform.pk, sub="adm-1", name="Ada")
    again, created = admit_lms_administrator(platform_id=platform.pk, sub="adm-1", name="Ada")
    assert again.pk == first.pk and not created
    assert AuditEvent.objects.filter(action="qa_scope.granted").count() == 1
    assert AuditEvent.objects.filter(action="qa_console.handoff").count() == 2


def test_the_same_person_on_two_platforms_gets_two_scoped_users(platform):
    other = make_platform("Other", "https://other.example.org")
    a, _ = admit_lms_administrator(platform_id=platform.pk, sub="same", name="Sam")
    b, _ = admit_lms_administrator(platform_id=other.pk, sub="same", name="Sam")
    assert a.pk != b.pk
    assert list(a.qa_scopes.values_list("platform_id", flat=True)) == [platform.pk]
    assert list(b.qa_scopes.values_list("platform_id", flat=True)) == [other.pk]


@pytest.mark.parametrize("withdraw", ["scope removed", "user deactivated"])
def test_access_the_operator_withdrew_is_not_restored(platform, withdraw):
    user, _ = admit_lms_administrator(platform_id=platform.pk, sub="adm-1", name="Ada")
    if withdraw == "scope removed":
        QAScope.objects.filter(user=user).delete()
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)
    events = AuditEvent.objects.count()
    with pytest.raises(QAAccessWithdrawn):
        admit_lms_administrator(platform_id=platform.pk, sub="adm-1", name="Ada")
    assert not QAScope.objects.filter(user=user).exists() or withdraw == "user deactivated"
    assert AuditEvent.objects.count() == events  # a refused admission records nothing


def test_the_grant_and_its_audit_entry_are_one_transaction(platform, monkeypatch):
    """If the audit entry cannot be written, no console user or scope is left behind."""
    import rubrics.qa_scopes

    def failing_record_event(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(rubrics.qa_scopes, "record_event", failing_record_event)
    with pytest.raises(RuntimeError):
        admit_lms_administrator(platform_id=platform.pk, sub="adm-1", name="Ada")
    assert not User.objects.filter(username__startswith=f"lms-{platform.pk}-").exists()
    assert not QAScope.objects.exists()
