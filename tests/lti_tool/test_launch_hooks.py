"""lti_tool records and routes a launch only through what the upper apps registered."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from assessments.launches import known_enrolment_offer, record_launch
from lti_tool import launch_hooks


def test_the_installed_apps_register_the_recorder_and_the_landings():
    assert launch_hooks.launch_recorder() is record_launch
    assert launch_hooks.launch_read_offer() is known_enrolment_offer
    assert launch_hooks.landings() == launch_hooks.Landings(
        instructor="awarding:instructor_dashboard", learner="awarding:learner_home"
    )


def test_a_missing_registration_names_the_app(monkeypatch):
    monkeypatch.setattr(launch_hooks, "_recorder", None)
    monkeypatch.setattr(launch_hooks, "_landings", None)
    with pytest.raises(ImproperlyConfigured, match="assessments"):
        launch_hooks.launch_recorder()
    with pytest.raises(ImproperlyConfigured, match="awarding"):
        launch_hooks.landings()
