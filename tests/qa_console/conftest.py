"""Fixtures of the QA console tests: the rubric tests' platform and course (reviews, audit
log) and the page tests' world with decisions and awards (award pages, handoff)."""

import pytest

from tests.pages.world import make_world
from tests.rubrics.conftest import course, digcomp_data, platform  # noqa: F401  (fixtures)


@pytest.fixture
def world(db):
    return make_world()
