"""A credential says which language its words are in (ADR 0063): the achievement's name,
description and criteria stay as the instructor wrote them, tagged with OB 3.0's
`inLanguage` — the language of the page they were written on."""

from __future__ import annotations

import pytest
from django.utils import translation

from awarding.models import Achievement
from tests.pages.world import issue, make_world

pytestmark = pytest.mark.django_db


def _achievement_json(award) -> dict:
    return award.credential.data["credentialSubject"]["achievement"]


@pytest.mark.parametrize("language", ["de", "es", "en"])
def test_an_achievement_written_on_a_page_in_a_language_is_tagged_with_it(language):
    with translation.override(language):
        world = make_world()
    assert world.achievement.language == language
    award = issue(world, world.learners[0])
    achievement = _achievement_json(award)
    assert achievement["inLanguage"] == language
    # The words are the instructor's, untranslated, whatever language the issuing runs in.
    assert achievement["name"] == world.achievement.name
    assert award.credential.data["name"] == world.achievement.name


def test_an_achievement_of_unknown_language_is_not_tagged():
    world = make_world()
    Achievement.objects.filter(pk=world.achievement.pk).update(language="")
    award = issue(world, world.learners[0])
    assert "inLanguage" not in _achievement_json(award)
