"""Issuers made with the site root as their `url` (a 404 until the landing page) point at
their own public page instead: the Profile and achievements, where `issuer.url` belongs.
Credentials already signed keep the url they were signed with (the root now has a page)."""

from django.conf import settings
from django.db import migrations


def _root() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def point_at_issuer_pages(apps, schema_editor):
    Issuer = apps.get_model("credentials", "Issuer")
    root = _root()
    for issuer in Issuer.objects.filter(url__in=[root, root + "/"]):
        issuer.url = f"{root}/issuers/{issuer.slug}"
        issuer.save(update_fields=["url"])


class Migration(migrations.Migration):
    dependencies = [("credentials", "0002_credential_vc_jose_jwt")]

    operations = [migrations.RunPython(point_at_issuer_pages, migrations.RunPython.noop)]
