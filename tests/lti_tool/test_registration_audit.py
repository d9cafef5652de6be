"""A dynamic registration stores the platform, its deployment and an audit event together;
a refused one (already registered) stores none of them."""

import pytest

from audit.models import AuditEvent
from lti_tool.dynamic_registration import (
    PlatformConfiguration,
    RegistrationError,
    record_registration,
)
from lti_tool.models import Deployment, Platform

pytestmark = pytest.mark.django_db

LMS = "https://moodle.example.edu"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def _config() -> PlatformConfiguration:
    return PlatformConfiguration(
        url=f"{LMS}/mod/lti/openid-configuration.php",
        data={
            "issuer": LMS,
            "authorization_endpoint": f"{LMS}/mod/lti/auth.php",
            "token_endpoint": f"{LMS}/mod/lti/token.php",
            "jwks_uri": f"{LMS}/mod/lti/certs.php",
            "registration_endpoint": f"{LMS}/mod/lti/openid-registration.php",
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "moodle"
            },
        },
        vouched_by=LMS,
    )


ANSWER = {"client_id": "client-7", TOOL_CONFIG: {"deployment_id": "7"}}


def test_a_registration_is_stored_with_its_audit_event():
    result = record_registration(config=_config(), answer=ANSWER, name="Example Moodle")
    platform = Platform.objects.get(issuer=LMS, client_id="client-7")
    assert result.platform == platform
    assert Deployment.objects.get(platform=platform).deployment_id == "7"
    [event] = AuditEvent.objects.filter(action="platform.registered")
    assert event.actor == "dynamic-registration:moodle.example.edu"
    assert (event.object_id, event.platform_id) == (str(platform.pk), platform.pk)
    assert event.after["client_id"] == "client-7" and event.after["deployment_id"] == "7"
    assert event.after["status"] == platform.status


def test_a_refused_registration_stores_nothing_and_records_nothing_more():
    record_registration(config=_config(), answer=ANSWER, name="Example Moodle")
    with pytest.raises(RegistrationError, match="already has a registration"):
        record_registration(config=_config(), answer=ANSWER, name="Again")
    assert Platform.objects.filter(issuer=LMS).count() == 1
    assert AuditEvent.objects.filter(action="platform.registered").count() == 1
