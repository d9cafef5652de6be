import pytest
from django.test import override_settings

from lti_tool.keys import current_signing_key
from lti_tool.models import Platform

from .fake_lms import FakeLMS

FAST_RETRIES = {
    "LTI_SERVICE_BACKOFF_BASE_S": 0.01,
    "LTI_SERVICE_BACKOFF_MAX_S": 0.05,
    "LTI_SERVICE_MAX_ATTEMPTS": 4,
    "LTI_SERVICE_MAX_WAIT_S": 5,
    "LTI_SERVICE_TIMEOUT": (2, 1),
}


@pytest.fixture(autouse=True)
def _fast_retries():
    with override_settings(**FAST_RETRIES):
        yield


def make_lms_and_platform(flavour: str) -> tuple[FakeLMS, Platform]:
    key = current_signing_key()
    lms = FakeLMS(flavour=flavour, public_jwk=key.public_jwk).start()
    platform = Platform.objects.create(
        name=f"{flavour} test",
        flavour=flavour,
        issuer=lms.base,
        client_id=lms.client_id,
        auth_login_url=lms.base + "/auth",
        auth_token_url=lms.token_url,
        key_set_url=lms.base + "/jwks",
    )
    return lms, platform


@pytest.fixture(params=["moodle", "canvas", "generic"])
def lms_platform(request, db):
    lms, platform = make_lms_and_platform(request.param)
    yield lms, platform
    lms.stop()


@pytest.fixture
def moodle(db):
    lms, platform = make_lms_and_platform("moodle")
    yield lms, platform
    lms.stop()


@pytest.fixture
def canvas(db):
    lms, platform = make_lms_and_platform("canvas")
    yield lms, platform
    lms.stop()
