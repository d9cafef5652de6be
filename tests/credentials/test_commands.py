"""Management commands: issue samples, export exact bytes, rotate keys, mark compromised."""

import io

import pytest
from django.core.management import CommandError, call_command

from credentials.local_verification import verify_credential
from credentials.models import Credential, SigningKey

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_issue_samples_then_export_exact_bytes(tmp_path, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    assert "issued 3 credential(s)" in _run("issue_sample_credentials", "--count", "3")
    assert Credential.objects.count() == 3
    out = _run("export_credentials", "--out", str(tmp_path / "out"))
    assert "exported 3" in out and "other/: 3" in out
    # Samples belong to no award or record: the folder of credentials no kind claims.
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["other"]
    for credential in Credential.objects.all():
        path = tmp_path / "out" / "other" / f"{credential.pk}.json"
        assert path.read_bytes() == credential.document.encode("utf-8")
        assert verify_credential(credential.data).ok


def test_issue_samples_refuses_zero():
    with pytest.raises(CommandError):
        _run("issue_sample_credentials", "--count", "0")


def test_rotate_and_compromise_commands(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    _run("issue_sample_credentials", "--count", "1")
    old = SigningKey.objects.get()
    assert "now signing with" in _run("rotate_signing_key", "--issuer", "demo")
    assert SigningKey.objects.filter(retired_at__isnull=True).exclude(pk=old.pk).count() == 1
    with pytest.raises(CommandError):
        _run("rotate_signing_key", "--issuer", "nope")
    credential = Credential.objects.get()
    assert verify_credential(credential.data).ok
    _run("mark_key_compromised", f"demo#{old.key_id}", "--since", "2000-01-01T00:00:00+00:00")
    assert not verify_credential(credential.data).ok
    with pytest.raises(CommandError, match="time zone"):
        _run("mark_key_compromised", f"demo#{old.key_id}", "--since", "yesterday")
