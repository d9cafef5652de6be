"""Sandbox platforms wired to the test tool double, served by the live server."""

from __future__ import annotations

import pytest
import requests

from lms_sandbox.seed import connect_tool, seed_course

pytestmark = pytest.mark.urls("tests.sandbox.tool_double")


def _point_at_double(sp, base: str):
    sp.tool_login_url = f"{base}/testtool/login/"
    sp.tool_launch_url = f"{base}/testtool/launch/"
    sp.tool_deep_link_url = f"{base}/testtool/launch/"
    sp.tool_redirect_uris = [sp.tool_launch_url]
    sp.save()
    return sp


@pytest.fixture
def moodle(live_server, settings):
    settings.ROOT_URLCONF = "tests.sandbox.tool_double"
    sp, platform = connect_tool(flavour="moodle", tool_base_url=live_server.url, slug="moodle")
    return _point_at_double(sp, live_server.url)


@pytest.fixture
def canvas(live_server, settings):
    settings.ROOT_URLCONF = "tests.sandbox.tool_double"
    sp, platform = connect_tool(flavour="canvas", tool_base_url=live_server.url, slug="canvas")
    return _point_at_double(sp, live_server.url)


@pytest.fixture
def moodle_course(moodle):
    return seed_course(platform=moodle, title="LTI Test Course", learners=5)


@pytest.fixture
def canvas_course(canvas):
    return seed_course(platform=canvas, title="Digital Competence", learners=5)


@pytest.fixture
def http():
    with requests.Session() as s:
        yield s
