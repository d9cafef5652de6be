"""The LMS adapter factory, and each behaviour moved behind the adapters, seen through the
sandbox LMS of each flavour over real HTTP (the roster's are in the assessments tests,
test_sandbox_sync.py)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from lms_sandbox.registration import start_registration
from lms_sandbox.seed import connect_tool
from lti_tool.dynamic_registration import register
from lti_tool.models import Deployment, Platform
from lti_tool.platforms import (
    adapter_class,
    adapter_for_configuration,
    get_adapter,
    registration_token_refusal,
    shared_issuers,
)
from lti_tool.platforms.canvas import CanvasAdapter
from lti_tool.platforms.generic import GenericAdapter
from lti_tool.platforms.moodle import MoodleAdapter
from lti_tool.tool_configuration import PLATFORM_CONFIG, TOOL_CONFIG, registration_request

CANVAS_LTI = "https://canvas.instructure.com/lti/"


@pytest.mark.parametrize(
    ("family", "adapter"),
    [
        ("moodle", MoodleAdapter),
        (" Moodle ", MoodleAdapter),
        ("canvas", CanvasAdapter),
        ("CANVAS", CanvasAdapter),
        ("generic", GenericAdapter),
        ("sakai", GenericAdapter),
        ("", GenericAdapter),
        (None, GenericAdapter),
    ],
)
def test_the_factory_picks_the_adapter_of_the_product_family(family, adapter):
    assert adapter_class(family) is adapter
    assert type(get_adapter(Platform(flavour=family or ""))) is adapter
    config = {PLATFORM_CONFIG: {"product_family_code": family}}
    assert type(adapter_for_configuration(config)) is adapter


def test_every_flavour_a_platform_can_store_has_its_own_adapter():
    for value, _ in Platform.Flavour.choices:
        assert adapter_class(value).flavour == value


def test_a_configuration_without_a_family_gets_the_specification():
    assert type(adapter_for_configuration({})) is GenericAdapter
    assert type(adapter_for_configuration({PLATFORM_CONFIG: "moodle"})) is GenericAdapter


def test_the_registration_request_is_shaped_by_the_adapter():
    def config(family):
        return registration_request(
            base_url="https://tool.example",
            platform_config={},
            adapter=adapter_class(family)(),
        )[TOOL_CONFIG]

    canvas = config("canvas")
    assert canvas[CANVAS_LTI + "privacy_level"] == "public"
    by_type = {m["type"]: m for m in canvas["messages"]}
    assert by_type["LtiResourceLinkRequest"]["placements"] == [CANVAS_LTI + "course_navigation"]
    assert by_type["LtiDeepLinkingRequest"]["placements"] == [
        "ContentArea",
        CANVAS_LTI + "assignment_selection",
    ]
    assert canvas["custom_parameters"]["course_end_at"] == "$Canvas.course.endAt"
    for family in ("moodle", "sakai"):
        plain = config(family)
        assert not any(CANVAS_LTI in key for key in plain)
        by_type = {m["type"]: m for m in plain["messages"]}
        assert "placements" not in by_type["LtiResourceLinkRequest"]
        assert by_type["LtiDeepLinkingRequest"]["placements"] == ["ContentArea"]


def test_deployment_id_is_read_where_each_lms_puts_it():
    spec = {"client_id": "c", TOOL_CONFIG: {"deployment_id": "7"}}
    top = {"client_id": "c", "deployment_id": "5213:abc", TOOL_CONFIG: {}}
    assert MoodleAdapter().registration_deployment_id(spec) == "7"
    assert GenericAdapter().registration_deployment_id(spec) == "7"
    assert CanvasAdapter().registration_deployment_id(top) == "5213:abc"
    assert CanvasAdapter().registration_deployment_id(spec) == "7"
    # Off the specification's place, a deployment is left to the first launch.
    assert GenericAdapter().registration_deployment_id(top) == ""
    assert CanvasAdapter().registration_deployment_id({"deployment_id": True}) == ""


def test_only_moodles_update_token_is_refused_and_only_canvas_shares_an_issuer():
    now = int(time.time())
    update = jwt.encode({"scope": "reg-update", "iat": now}, "k" * 32, "HS256")
    new = jwt.encode({"scope": "reg", "iat": now}, "k" * 32, "HS256")
    assert "Register as a new external tool" in registration_token_refusal(update)
    assert registration_token_refusal(new) == ""
    assert registration_token_refusal("opaque-canvas-token") == ""
    assert "https://canvas.instructure.com" in shared_issuers()
    assert MoodleAdapter.shared_issuers == GenericAdapter.shared_issuers == frozenset()


def test_unexpanded_variables_and_manual_configuration_are_canvas_only():
    assert CanvasAdapter().substituted("$Person.sourcedId") == ""
    assert CanvasAdapter().substituted("SIS-1") == "SIS-1"
    assert MoodleAdapter().substituted("$5 off") == "$5 off"
    assert CanvasAdapter().manual_configuration(base_url="https://t.example")["title"]
    assert MoodleAdapter().manual_configuration(base_url="https://t.example") is None
    assert GenericAdapter().manual_configuration(base_url="https://t.example") is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_registering_with_the_sandbox_records_what_each_adapter_reads(
    live_server, settings, flavour
):
    """Moodle answers its deployment inside the tool configuration, Canvas at the top level
    and names its account: either way the deployment exists at once (no first-launch
    activation) and the platform carries the family the factory chose."""
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = True
    settings.LTI_REGISTRATION_ISSUERS = []
    settings.LTI_OPEN_REGISTRATION = True
    sp, manual = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    manual.delete()
    start = start_registration(platform=sp, registration_url=f"{live_server.url}/lti/register/")
    query = parse_qs(urlsplit(start).query)
    result = register(
        openid_configuration=query["openid_configuration"][0],
        registration_token=query["registration_token"][0],
        tool_base_url=live_server.url,
        name="" if flavour == "canvas" else "Sandbox Moodle",
    )
    sp.refresh_from_db()
    platform = result.platform
    assert platform.flavour == flavour
    assert type(get_adapter(platform)) is adapter_class(flavour)
    assert not platform.auto_activate_deployments
    assert list(Deployment.objects.filter(platform=platform).values_list("deployment_id")) == [
        (sp.deployment_id,)
    ]
    assert platform.name == (sp.name if flavour == "canvas" else "Sandbox Moodle")
