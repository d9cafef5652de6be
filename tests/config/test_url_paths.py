"""config.url_paths.fixed_path answers what reverse() answers, under any script prefix and URL
configuration, working each out once."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, path, reverse, set_script_prefix

from config import url_paths
from config.url_paths import fixed_path

NAMES = ["lti_tool:launch", "lti_tool:login", "awarding:learner_home", "healthz"]


def _view(request):  # pragma: no cover - never called
    raise AssertionError


urlpatterns = [path("elsewhere/launch/", _view, name="healthz")]


@pytest.fixture(autouse=True)
def _fresh():
    url_paths._paths.clear()
    yield
    clear_script_prefix()
    url_paths._paths.clear()


def test_each_path_is_reverses():
    for name in NAMES:
        assert fixed_path(name) == reverse(name)
        assert fixed_path(name) == reverse(name)


def test_a_path_is_worked_out_once_per_script_prefix(monkeypatch):
    calls = []
    monkeypatch.setattr(url_paths, "reverse", lambda name: calls.append(name) or reverse(name))
    assert fixed_path("lti_tool:launch") == "/lti/launch/"
    assert fixed_path("lti_tool:launch") == "/lti/launch/"
    set_script_prefix("/tool/")
    assert fixed_path("lti_tool:launch") == "/tool/lti/launch/" == reverse("lti_tool:launch")
    assert calls == ["lti_tool:launch", "lti_tool:launch"]


def test_another_url_configuration_is_followed(settings):
    assert fixed_path("healthz") == "/healthz"
    settings.ROOT_URLCONF = __name__
    assert fixed_path("healthz") == "/elsewhere/launch/"


def test_a_name_that_does_not_reverse_raises_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            fixed_path("lti_tool:nothing-of-that-name")
