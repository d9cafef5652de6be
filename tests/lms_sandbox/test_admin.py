"""The sandbox's Django admin: fault switches settable there, key material never shown."""

from __future__ import annotations

import pytest

from lms_sandbox.models import FaultSwitch
from lms_sandbox.seed import connect_tool

pytestmark = pytest.mark.django_db


def test_platform_admin_hides_the_private_key(admin_client):
    sp, _ = connect_tool(flavour="moodle", tool_base_url="http://tool.test")
    page = admin_client.get(f"/admin/lms_sandbox/sandboxplatform/{sp.pk}/change/")
    assert page.status_code == 200
    assert sp.private_key_encrypted not in page.content.decode()
    assert sp.kid in page.content.decode()


def test_fault_switch_added_in_the_admin(admin_client):
    sp, _ = connect_tool(flavour="canvas", tool_base_url="http://tool.test")
    r = admin_client.post(
        "/admin/lms_sandbox/faultswitch/add/",
        {
            "platform": sp.pk,
            "kind": "throttle",
            "target": "results",
            "remaining": 2,
            "retry_after": 5,
            "delay_seconds": 1,
            "hits": 0,
        },
    )
    assert r.status_code == 302, r.content[:500]
    fault = FaultSwitch.objects.get(platform=sp)
    assert (fault.kind, fault.target, fault.remaining) == ("throttle", "results", 2)
