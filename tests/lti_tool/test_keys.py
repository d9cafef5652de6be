"""Tool keys: encrypted at rest, published before they sign, retired after a grace period."""

from datetime import timedelta

import jwt
import pytest
from django.core.management import call_command
from django.utils import timezone

from lti_tool.keys import create_tool_key, current_signing_key, public_jwks, rotate_tool_key
from lti_tool.models import ToolKey

pytestmark = pytest.mark.django_db


def test_first_use_creates_a_key_that_signs_and_verifies_with_the_published_jwk():
    key = current_signing_key()
    assert ToolKey.objects.count() == 1
    token = jwt.encode({"a": 1}, key.private_key(), algorithm="RS256", headers={"kid": key.kid})
    (jwk,) = public_jwks()["keys"]
    assert jwk["kid"] == key.kid and jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert "d" not in jwk and "p" not in jwk
    public = jwt.PyJWK(jwk).key
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"a": 1}
    assert public.key_size == 2048


def test_private_key_is_encrypted_at_rest():
    key = create_tool_key()
    assert "PRIVATE KEY" not in key.private_key_encrypted
    assert not key.private_key_encrypted.startswith("-----")


def test_rotation_publishes_first_signs_later_and_keeps_the_old_key_for_the_grace():
    old = current_signing_key()
    new = rotate_tool_key(publish_ahead=timedelta(hours=1), grace=timedelta(days=2))
    kids = {k["kid"] for k in public_jwks()["keys"]}
    assert kids == {old.kid, new.kid}  # published at once
    assert current_signing_key().kid == old.kid  # not signing yet

    ToolKey.objects.filter(pk=new.pk).update(activate_after=timezone.now())
    assert current_signing_key().kid == new.kid
    old.refresh_from_db()
    assert old.retire_after is not None
    assert old.retire_after > timezone.now() + timedelta(days=1)  # grace period
    assert {k["kid"] for k in public_jwks()["keys"]} == {old.kid, new.kid}

    ToolKey.objects.filter(pk=old.pk).update(retire_after=timezone.now() - timedelta(seconds=1))
    assert [k["kid"] for k in public_jwks()["keys"]] == [new.kid]


def test_rotate_command_and_jwks_endpoint(client):
    first = current_signing_key()
    call_command("rotate_tool_key", "--publish-ahead", "0", "--grace", "60")
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    kids = [k["kid"] for k in response.json()["keys"]]
    assert len(kids) == 2 and first.kid in kids
    assert current_signing_key().kid != first.kid
    assert client.post("/lti/jwks.json").status_code == 405


def test_negative_rotation_times_are_refused():
    with pytest.raises(ValueError):
        rotate_tool_key(publish_ahead=timedelta(seconds=-1))
