"""Changing KEY_ENCRYPTION_KEY: retired keys still read, every stored key re-encrypted, and
only the fields models declare encrypted are touched."""

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from config.encryption import (
    decrypt_secret,
    encrypt_secret,
    encrypted_fields,
    registered_encrypted_fields,
)
from credentials.issuers import get_or_create_issuer
from credentials.models import SigningKey
from credentials.signing_keys import current_signing_key as current_credential_key
from lti_tool.key_encryption import reencrypt_stored_keys
from lti_tool.keys import create_tool_key, load_private_key
from lti_tool.models import ToolKey

pytestmark = pytest.mark.django_db

OLD, NEW, UNKNOWN = (Fernet.generate_key().decode() for _ in range(3))


def _signs(tool_key: ToolKey) -> bool:
    private = load_private_key(ToolKey.objects.get(pk=tool_key.pk))
    signature = private.sign(b"msg", padding.PKCS1v15(), hashes.SHA256())
    private.public_key().verify(signature, b"msg", padding.PKCS1v15(), hashes.SHA256())
    return True


def test_a_retired_key_still_decrypts_and_new_secrets_use_the_current_one(settings):
    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = OLD, []
    old_token = encrypt_secret(b"secret")
    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = NEW, [OLD]
    assert decrypt_secret(old_token) == b"secret"
    new_token = encrypt_secret(b"secret")
    settings.KEY_ENCRYPTION_KEYS_RETIRED = []
    assert decrypt_secret(new_token) == b"secret"
    with pytest.raises(ValueError, match="KEY_ENCRYPTION_KEY"):
        decrypt_secret(old_token)


def test_rotation_reencrypts_every_stored_key_and_is_audited(settings, capsys):
    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = OLD, []
    tool_key = create_tool_key()
    issuer = get_or_create_issuer(slug="uni", name="Uni", url="https://www.example.edu")
    signing_key = current_credential_key(issuer=issuer)
    before = {tool_key.private_key_encrypted, signing_key.private_key_encrypted}

    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = NEW, [OLD]
    call_command("rotate_key_encryption")
    assert "lti_tool.ToolKey: 1 key(s) re-encrypted" in capsys.readouterr().out

    settings.KEY_ENCRYPTION_KEYS_RETIRED = []  # the old key is gone: everything still works
    tool_key.refresh_from_db()
    signing_key = SigningKey.objects.get(pk=signing_key.pk)
    assert {tool_key.private_key_encrypted, signing_key.private_key_encrypted}.isdisjoint(before)
    assert _signs(tool_key)
    assert signing_key.private_key().sign(b"msg")
    event = AuditEvent.objects.get(action="key_encryption.rotated")
    assert event.after["reencrypted"]["lti_tool.ToolKey"] == 1
    assert event.after["reencrypted"]["credentials.SigningKey"] == 1


def test_a_key_under_an_unknown_kek_stops_the_rotation_and_changes_nothing(settings):
    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = OLD, []
    readable = create_tool_key()
    settings.KEY_ENCRYPTION_KEY = UNKNOWN
    create_tool_key()  # encrypted under a key nobody will configure
    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = NEW, [OLD]
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("rotate_key_encryption")
    assert ToolKey.objects.get(pk=readable.pk).private_key_encrypted == (
        readable.private_key_encrypted
    )
    assert not AuditEvent.objects.filter(action="key_encryption.rotated").exists()


def test_the_rotation_reads_and_writes_only_the_fields_declared_encrypted(settings):
    declared = {
        model._meta.label: fields for model, fields in registered_encrypted_fields().items()
    }
    expected = {
        "lti_tool.ToolKey": ("private_key_encrypted",),
        "credentials.SigningKey": ("private_key_encrypted",),
    }
    if apps.is_installed("lms_sandbox"):
        expected["lms_sandbox.SandboxPlatform"] = ("private_key_encrypted",)
    assert declared == expected

    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = OLD, []
    create_tool_key()
    settings.KEY_ENCRYPTION_KEY, settings.KEY_ENCRYPTION_KEYS_RETIRED = NEW, [OLD]
    with CaptureQueriesContext(connection) as queries:
        reencrypt_stored_keys(actor="test")
    keys = {model._meta.db_table for model in registered_encrypted_fields()}
    touched = {
        table
        for query in queries.captured_queries
        for table in connection.introspection.table_names()
        if f'"{table}"' in query["sql"]
    }
    audit = {t for t in touched if t.startswith("audit_")}
    assert touched - audit == keys
    tool_key_sql = [q["sql"] for q in queries.captured_queries if '"lti_tool_toolkey"' in q["sql"]]
    assert all('"public_jwk"' not in sql and '"kid"' not in sql for sql in tool_key_sql)


def test_declaring_a_field_that_does_not_exist_fails_when_the_model_loads():
    with pytest.raises(FieldDoesNotExist):
        encrypted_fields("private_key")(ToolKey)
    assert registered_encrypted_fields()[ToolKey] == ("private_key_encrypted",)
