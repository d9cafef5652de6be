"""Password guessing at the QA console and the Django admin is throttled (django-axes)."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def quinn(db):
    return User.objects.create_superuser("quinn", "q@example.org", "Right-pw-2468")


@pytest.mark.parametrize("login_url", ["/qa/login/", "/admin/login/"])
def test_lockout_after_the_failure_limit(client, quinn, settings, login_url):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(login_url, {"username": "quinn", "password": "guess"})
        assert wrong.status_code == 200  # the form again, with its error
    locked = client.post(login_url, {"username": "quinn", "password": "guess"})
    assert locked.status_code == 429
    # Locked out: even the right password does not open a session now.
    right = client.post(login_url, {"username": "quinn", "password": "Right-pw-2468"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_addresses_and_a_success_before_the_limit(client, quinn, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/qa/login/", {"username": "quinn", "password": "guess"})
    ok = client.post("/qa/login/", {"username": "quinn", "password": "Right-pw-2468"})
    assert ok.status_code == 302  # below the limit the right password still works
    client.logout()
    # A success resets the count: the limit applies again from zero.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/qa/login/", {"username": "quinn", "password": "x"}).status_code == 200
    other = client.post(
        "/qa/login/",
        {"username": "quinn", "password": "x"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert other.status_code == 200  # another address has its own count
