"""The public reason category of a revoked or suspended credential.

Credentials revoked or suspended before it existed keep their reason as the private one
(`status_reason`, no longer shown publicly) and get the public category "other".
"""

from django.db import migrations, models


def existing_changes_are_other(apps, schema_editor):
    Credential = apps.get_model("credentials", "Credential")
    Credential.objects.filter(status__in=("revoked", "suspended"), status_category="").update(
        status_category="other"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0003_issuer_url_is_its_page"),
    ]

    operations = [
        migrations.AddField(
            model_name="credential",
            name="status_category",
            field=models.CharField(
                blank=True,
                choices=[
                    ("issued_in_error", "Issued in error"),
                    ("misconduct", "Academic misconduct finding"),
                    ("result_changed", "Assessment result changed"),
                    ("learner_request", "At the learner's request"),
                    ("other", "Other"),
                ],
                max_length=20,
            ),
        ),
        # Forward only (no reverse): the category is information the older schema has no place for.
        migrations.RunPython(existing_changes_are_other),
    ]
