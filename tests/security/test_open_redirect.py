"""The QA revoke form's `next_page` goes back to a page of this site, never elsewhere."""

import pytest
from django.contrib.auth.models import Group, User

from rubrics.models import QA_GROUP, QAScope

pytestmark = pytest.mark.django_db


@pytest.fixture
def qa_client(client, world):
    user = User.objects.create_user("qa", password="pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=world.platform)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "///evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_revoke_form_does_not_redirect_off_site(world, qa_client, target):
    world.decide(world.learners[0], {"search": 9, "evaluate": 9})
    award = world.award(world.learners[0])
    # No reason given: the view sends the user back to `next_page` with the error.
    response = qa_client.post(
        f"/qa/awards/{award.uuid}/revoke", {"reason": "", "next_page": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/qa/awards/flagged"


def test_revoke_form_goes_back_to_a_local_page(world, qa_client):
    world.decide(world.learners[0], {"search": 9, "evaluate": 9})
    award = world.award(world.learners[0])
    decision = world.decisions[world.learners[0].pk]
    back = f"/qa/awards/decisions/{decision.pk}"
    response = qa_client.post(f"/qa/awards/{award.uuid}/revoke", {"reason": "", "next_page": back})
    assert response.status_code == 302 and response["Location"] == back
