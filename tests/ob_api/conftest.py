import pytest

from tests.pages.world import issue, make_world

from .backpack import Backpack


@pytest.fixture
def site(live_server, settings):
    """Ada has two credentials (two courses of one platform), Grace one; on the live server."""
    settings.PUBLIC_BASE_URL = live_server.url
    return build_site(live_server.url)


def build_site(url: str) -> dict:
    """The site's objects (also built once per module by test_refusals.py)."""
    world = make_world()
    ada, grace = world.learners[0], world.learners[1]
    second = make_world(
        platform=world.platform, course_title="Statistics 201", achievement_name="Statistics Badge"
    )
    return {
        "world": world,
        "url": url,
        "ada": ada,
        "grace": grace,
        "ada_awards": [issue(world, ada), issue(second, ada)],
        "grace_award": issue(world, grace),
    }


@pytest.fixture
def backpack(site) -> Backpack:
    client = Backpack(site["url"])
    response = client.register()
    assert response.status_code == 201, response.text
    return client
