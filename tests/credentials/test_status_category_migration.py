"""Credentials revoked before the public reason category existed: their reason stays, as the
private one, and the public page says "Other" instead of printing it."""

import importlib

from django.apps import apps

from credentials.models import Credential

migration = importlib.import_module("credentials.migrations.0004_credential_status_category")


def test_old_revocations_get_the_category_other_and_their_reason_stays_private(client, issue):
    revoked, suspended, active = issue(), issue(), issue()
    # As the old code left them: a reason, no category.
    Credential.objects.filter(pk=revoked.pk).update(status="revoked", status_reason="Cheated")
    Credential.objects.filter(pk=suspended.pk).update(status="suspended", status_reason="Checks")
    migration.existing_changes_are_other(apps, None)
    found = {c.pk: c for c in Credential.objects.all()}
    assert found[revoked.pk].status_category == "other"
    assert found[revoked.pk].status_reason == "Cheated"
    assert found[suspended.pk].status_category == "other"
    assert found[active.pk].status_category == ""
    html = client.get(f"/credentials/{revoked.pk}").content.decode()
    assert "Reason given by the issuer: Other" in html and "Cheated" not in html
