"""On PostgreSQL a credential's signed texts are TOAST-compressed with LZ4 (ADR 0086)."""

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.issuers import get_or_create_issuer
from credentials.jose_forms import stored_ob_jwt, stored_vc_jose
from credentials.models import Credential

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
BASE = "http://127.0.0.1:8000"


def _lz4_built() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        return bool(cursor.fetchone()[0])


def test_a_stored_credentials_texts_are_lz4_compressed_and_read_back_whole(settings):
    if not _lz4_built():
        pytest.skip("this PostgreSQL is built without LZ4: the migration keeps pglz")
    settings.PUBLIC_BASE_URL = BASE
    issuer = get_or_create_issuer(slug="uni", name="Uni", url="https://u.example")
    achievement = demo.demo_achievement(BASE)
    credential = issue_credential(
        issuer=issuer,
        credential_id=uuid.uuid4(),
        achievement=achievement,
        subject=demo.demo_subject(0),
        results=demo.demo_results(achievement),
        evidence=demo.demo_evidence(BASE, "e"),
        valid_from=timezone.now().replace(microsecond=0),
    )
    forms = (stored_ob_jwt(credential), stored_vc_jose(credential))  # signed on request
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute"
            " WHERE attrelid = 'credentials_credential'::regclass"
            " AND attname IN ('document', 'jwt', 'vc_jwt')"
        )
        assert dict(cursor.fetchall()) == {"document": "l", "jwt": "l", "vc_jwt": "l"}
        # The method each stored text was compressed with.
        cursor.execute(
            "SELECT pg_column_compression(document), pg_column_compression(jwt)"
            " FROM credentials_credential WHERE id = %s",
            [credential.pk],
        )
        assert cursor.fetchone() == ("lz4", "lz4")
    stored = Credential.objects.get(pk=credential.pk)
    assert (stored.document, stored.jwt, stored.vc_jwt) == (credential.document, *forms)
