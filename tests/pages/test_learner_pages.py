"""The learner's home inside the LMS: own progress only, notifications, escaping."""

from datetime import UTC, datetime

import pytest

from awarding.models import Award, Notification

from .world import make_world

pytestmark = pytest.mark.django_db


def test_learner_home_needs_a_launch(client, world):
    assert client.get("/learner/").status_code == 403


def test_learner_sees_progress_per_criterion(client, world):
    ada = world.learners[0]
    world.decide(ada, {"search": 9.5})
    html = client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "Data Literacy Badge" in html
    assert "Search data" in html and "Evaluate data" in html
    assert "9.5" in html and "Advanced" in html  # score and level reached on "search"
    assert "6 of 10" in html  # the threshold
    assert "Missing: not graded yet" in html  # "evaluate" has no grade
    assert "Not earned yet" in html


def test_learner_sees_only_their_own_records(client, world):
    ada, grace, _ = world.learners
    world.decide(ada, {"search": 9.5, "evaluate": 9.5})
    world.decide(grace, {"search": 3.25, "evaluate": 4.75})
    html = client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "9.5" in html
    assert "3.25" not in html and "4.75" not in html and "Grace" not in html


def test_learner_cannot_change_someone_elses_credential(client, world):
    ada, grace, _ = world.learners
    world.decide(grace, {"search": 9, "evaluate": 9})
    award = world.award(grace)
    response = client.post(
        f"/learner/credentials/{award.uuid}/visibility",
        {"lt": world.launch(ada).token, "is_public": "0"},
    )
    assert response.status_code == 404


def test_held_and_revoked_awards_are_explained(client, world):
    ada, grace, _ = world.learners
    world.decide(ada, {"search": 9, "evaluate": 9})
    world.award(ada, state=Award.State.HELD)
    world.decide(grace, {"search": 9, "evaluate": 9})
    world.award(
        grace,
        state=Award.State.REVOKED,
        revoked_reason="Plagiarism <b>found</b>",
        revoked_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    html = client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "Your instructor confirms the credential" in html
    html = client.get("/learner/", {"lt": world.launch(grace).token}).content.decode()
    assert "Revoked on Nov. 30, 2026 because Plagiarism &lt;b&gt;found&lt;/b&gt;" in html


def test_new_credential_notification_is_shown_then_dismissed(client, world):
    ada, grace, _ = world.learners
    world.decide(ada, {"search": 9, "evaluate": 9})
    award = world.award(ada)
    Notification.objects.create(
        learner=ada,
        course=world.course,
        award=award,
        kind="awarded",
        message="You earned <Data Literacy Badge>",
    )
    world.decide(grace, {"search": 9, "evaluate": 9})
    Notification.objects.create(
        learner=grace,
        course=world.course,
        award=world.award(grace),
        kind="awarded",
        message="Grace's news",
    )
    launch = world.launch(ada)
    html = client.get("/learner/", {"lt": launch.token}).content.decode()
    # The award news is said again in the reader's language from the achievement (ADR 0063),
    # and only Ada's is shown to Ada.
    assert html.count("You earned “Data Literacy Badge”.") == 1
    assert "Grace&#x27;s news" not in html and "Grace's news" not in html
    response = client.post("/learner/notifications/read", {"lt": launch.token})
    assert response.status_code == 302
    assert not Notification.objects.filter(learner=ada, read_at__isnull=True).exists()
    assert Notification.objects.filter(learner=grace, read_at__isnull=True).exists()
    html = client.get("/learner/", {"lt": launch.token}).content.decode()
    assert "You earned" not in html


def test_learner_of_another_platform_launch_is_refused(client, world):
    other = make_world()
    from lti_tool.launch_context import start_launch_session

    launch = start_launch_session(
        platform_id=world.platform.pk,
        deployment_id="d",
        context_id="c",
        course_id=world.course.pk,
        user_sub="x",
        learner_id=other.learners[0].pk,
        roles={"learner"},
    )
    assert client.get("/learner/", {"lt": launch.token}).status_code == 403


def test_the_launch_locale_picks_the_language_when_supported(client, world, settings):
    from lti_tool.launch_context import start_launch_session

    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    ada = world.learners[0]

    def launch(locale):
        return start_launch_session(
            platform_id=world.platform.pk,
            deployment_id="d",
            context_id=world.course.context_id,
            course_id=world.course.pk,
            user_sub=ada.sub,
            learner_id=ada.pk,
            roles={"learner"},
            locale=locale,
        )

    html = client.get("/learner/", {"lt": launch("de-DE").token}).content.decode()
    assert '<html lang="de"' in html
    html = client.get("/learner/", {"lt": launch("xx_YY").token}).content.decode()
    assert '<html lang="en"' in html


def test_a_rule_whose_rubric_is_not_active_is_not_shown(client, world):
    from rubrics.models import RubricVersion

    RubricVersion.objects.filter(pk=world.version.pk).update(state="submitted")
    html = client.get("/learner/", {"lt": world.launch(world.learners[0]).token}).content.decode()
    assert "Data Literacy Badge" not in html
    assert "does not award a credential yet" in html
