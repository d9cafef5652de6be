import pytest
import requests

from tests.pages.world import issue, make_world

from .wallet import offer_from_page


@pytest.fixture
def site(live_server, settings):
    """A course with two learners who each earned a credential, on the live server's URL."""
    settings.PUBLIC_BASE_URL = live_server.url
    world = make_world()
    ada, grace = world.learners[0], world.learners[1]
    return {
        "world": world,
        "url": live_server.url,
        "ada": ada,
        "grace": grace,
        "ada_award": issue(world, ada),
        "grace_award": issue(world, grace),
    }


def offer_page(site: dict, learner_key: str) -> requests.Response:
    """The learner presses "Add to wallet" on their page (a POST with their launch token)."""
    world = site["world"]
    person = site[learner_key]
    award = site[f"{learner_key}_award"]
    return requests.post(
        f"{site['url']}/learner/credentials/{award.uuid}/wallet-offer",
        data={"lt": world.launch(person).token},
        timeout=30,
    )


@pytest.fixture
def new_offer(site):
    def _new_offer(learner_key: str = "ada") -> dict:
        response = offer_page(site, learner_key)
        assert response.status_code == 200, response.text
        return offer_from_page(response.text)

    return _new_offer
