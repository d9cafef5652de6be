"""Pages around a really issued credential: the learner's downloads, sharing and privacy
switch, the public evidence page, and revocation by QA (an instructor's request is in
test_status_changes)."""

import base64
import io
import re

import pytest
from PIL import Image, ImageChops

pytest.importorskip("credentials.credential_issuance")
pytest.importorskip("awarding.award_issuance")

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402

from audit.models import AuditEvent  # noqa: E402
from awarding.models import Award, InstitutionSetting  # noqa: E402
from credentials.jose_forms import stored_ob_jwt
from credentials.models import Credential  # noqa: E402
from rubrics.models import QA_GROUP, QAScope  # noqa: E402

from .world import issue, make_world  # noqa: E402

pytestmark = pytest.mark.django_db


def test_learner_sees_the_earned_credential_with_downloads_and_sharing(client, world):
    ada = world.learners[0]
    award = issue(world, ada)
    assert award.state == Award.State.ISSUED
    token = world.launch(ada).token
    html = client.get("/learner/", {"lt": token}).content.decode()
    for fmt in ("json", "jwt", "png", "svg", "qr"):
        assert f"/learner/credentials/{award.uuid}/download/{fmt}?lt=" in html
    share = f"{settings.PUBLIC_BASE_URL}/credentials/{award.uuid}"
    assert f'value="{share}"' in html  # the share link, to copy
    assert "You earned this credential." in html
    assert "https://www.linkedin.com/profile/add?" in html and "Add to LinkedIn" in html
    assert "Learner Credential Wallet" in html
    assert 'value="1" checked' in html  # public by default
    # The in-tool notification of the new credential.
    assert "You earned" in html and "Mark as read" in html


def test_holder_downloads_are_the_stored_credential_and_only_their_own(client, world):
    ada, grace, _ = world.learners
    award = issue(world, ada)
    credential = Credential.objects.get(pk=award.uuid)
    token = world.launch(ada).token
    base = f"/learner/credentials/{award.uuid}/download"
    response = client.get(f"{base}/json", {"lt": token})
    assert response.status_code == 200 and response.content == credential.document.encode()
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"{base}/jwt", {"lt": token}).content.decode() == stored_ob_jwt(credential)
    png = client.get(f"{base}/png", {"lt": token})
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(f"{base}/svg", {"lt": token})
    assert b"openbadges:credential" in svg.content
    assert client.get(f"{base}/exe", {"lt": token}).status_code == 404
    # Another learner of the same course gets nothing, not even with the right uuid.
    assert client.get(f"{base}/json", {"lt": world.launch(grace).token}).status_code == 404
    assert client.get(f"{base}/json").status_code == 403
    # Private: the public copy is gone, the holder's is still there.
    client.post(f"/learner/credentials/{award.uuid}/visibility", {"lt": token, "is_public": "0"})
    assert client.get(f"/credentials/{award.uuid}.json").status_code == 404
    assert client.get(f"{base}/json", {"lt": token}).status_code == 200
    assert client.get(f"/learner/credentials/{award.uuid}/view", {"lt": token}).status_code == 200


def test_learner_makes_the_page_private_then_public_again(client, world):
    ada = world.learners[0]
    award = issue(world, ada)
    token = world.launch(ada).token
    assert client.get(f"/evidence/{award.uuid}").status_code == 200
    response = client.post(
        f"/learner/credentials/{award.uuid}/visibility", {"lt": token, "is_public": "0"}
    )
    assert response.status_code == 302
    assert Credential.objects.get(pk=award.uuid).is_public is False
    assert client.get(f"/evidence/{award.uuid}").status_code == 404
    event = AuditEvent.objects.filter(action="credential.visibility").latest("pk")
    assert event.after == {"is_public": False}
    client.post(f"/learner/credentials/{award.uuid}/visibility", {"lt": token, "is_public": "1"})
    assert client.get(f"/evidence/{award.uuid}").status_code == 200


def test_evidence_page_shows_only_this_learner_and_respects_the_institution(client, world):
    ada, grace, _ = world.learners
    award = issue(world, ada, {"search": 9, "evaluate": 7})
    world.decide(grace, {"search": 2.5, "evaluate": 3.5})
    html = client.get(f"/evidence/{award.uuid}").content.decode()
    assert "Data Literacy 101" in html  # the LMS course
    assert "Search data" in html and "Advanced" in html and "Foundation" in html
    assert "Ada Lovelace" in html  # names shown by default
    assert "Grace" not in html and "2.5" not in html and "3.5" not in html
    assert "Well argued" not in html  # grader comments hidden by default
    setting = InstitutionSetting.objects.get(platform=world.platform)
    setting.show_grader_comments = True
    setting.show_learner_names = False
    setting.save()
    html = client.get(f"/evidence/{award.uuid}").content.decode()
    assert "Well argued" in html and "Ada Lovelace" not in html


def test_evidence_page_shows_the_validity_of_an_expiring_credential(client, world):
    world.achievement.validity_days = 365
    world.achievement.save()
    award = issue(world, world.learners[0])
    credential = Credential.objects.get(pk=award.uuid)
    html = client.get(f"/evidence/{award.uuid}").content.decode()
    assert "Valid until" in html and str(credential.valid_until.year) in html


def test_evidence_page_escapes_lms_text(client, db):
    evil = "<script>alert(1)</script>"
    w = make_world(course_title=evil, learner_names=(evil,))
    award = issue(w, w.learners[0])
    InstitutionSetting.objects.filter(platform=w.platform).update(show_grader_comments=True)
    html = client.get(f"/evidence/{award.uuid}").content.decode()
    assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_instructor_confirms_a_held_award(client, world, django_capture_on_commit_callbacks):
    ada = world.learners[0]
    world.decide(ada, {"search": 9, "evaluate": 9})
    award = world.award(ada, state=Award.State.HELD)
    launch = world.launch(world.instructor, "instructor")
    html = client.get("/course/", {"lt": launch.token}).content.decode()
    assert "Waiting for instructor confirmation" in html and "Confirm" in html
    assert "1 learner met the rubric and waits for your confirmation" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/course/awards/{award.uuid}/confirm", {"lt": launch.token})
    assert response.status_code == 302
    award.refresh_from_db()
    # Celery runs eagerly in tests: confirmed means issued.
    assert award.state == Award.State.ISSUED and award.confirmed_by.endswith(world.instructor.sub)
    assert Credential.objects.filter(pk=award.uuid).exists()


def test_qa_revokes_only_within_their_platforms(client, world):
    theirs = make_world()
    mine_award = issue(world, world.learners[0])
    their_award = issue(theirs, theirs.learners[0])
    user = User.objects.create_user("qa", password="pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=world.platform)
    client.force_login(user)
    response = client.post(f"/qa/awards/{their_award.uuid}/revoke", {"reason": "not mine"})
    assert response.status_code == 404
    response = client.post(
        f"/qa/awards/{mine_award.uuid}/revoke",
        {"reason": "Evidence forged", "category": "issued_in_error"},
    )
    assert response.status_code == 302
    # The public page names QA's category, not QA's words.
    public = client.get(f"/credentials/{mine_award.uuid}").content.decode()
    assert "Issued in error" in public and "Evidence forged" not in public
    mine_award.refresh_from_db()
    their_award.refresh_from_db()
    assert mine_award.state == Award.State.REVOKED and mine_award.revoked_by == f"user:{user.pk}"
    assert their_award.state == Award.State.ISSUED
    html = client.get("/qa/awards/revocations").content.decode()
    assert "Evidence forged" in html and "Ada Lovelace" in html
    html = client.get("/qa/awards/reports").content.decode()
    assert "median" in html  # time from grade to credential over the issued awards


def test_an_earned_credential_without_expiry_says_so(client, world):
    ada = world.learners[0]
    issue(world, ada)
    html = client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "Does not expire" in html
    assert "expirationYear" not in html


def test_the_holder_view_offers_the_wallet_and_their_own_downloads(client, world):
    ada = world.learners[0]
    award = issue(world, ada)
    token = world.launch(ada).token
    # Private: the holder's "View and verify" page must not point at the public copies (404).
    client.post(f"/learner/credentials/{award.uuid}/visibility", {"lt": token, "is_public": "0"})
    html = client.get(f"/learner/credentials/{award.uuid}/view", {"lt": token}).content.decode()
    assert f'action="/learner/credentials/{award.uuid}/wallet-offer"' in html
    assert "Add to wallet" in html
    for fmt in ("png", "svg", "json", "jwt"):
        assert f"/learner/credentials/{award.uuid}/download/{fmt}?lt=" in html
        assert f'href="/credentials/{award.uuid}.{fmt}' not in html
    # The public page has no wallet button: only the holder can add it to their wallet.
    client.post(f"/learner/credentials/{award.uuid}/visibility", {"lt": token, "is_public": "1"})
    assert "Add to wallet" not in client.get(f"/credentials/{award.uuid}").content.decode()


def test_one_badge_image_in_the_credential_the_pages_and_the_baked_files(client, world):
    """Without a browser: the bytes behind every place the badge appears are one image."""
    ada = world.learners[0]
    award = issue(world, ada)
    credential = Credential.objects.get(pk=award.uuid)
    image_uri = credential.data["credentialSubject"]["achievement"]["image"]["id"]
    assert image_uri.startswith("data:image/png;base64,")
    source = base64.b64decode(image_uri.split(",", 1)[1])
    token = world.launch(ada).token
    learner_html = client.get("/learner/", {"lt": token}).content.decode()
    public_html = client.get(f"/credentials/{award.uuid}").content.decode()
    for html in (learner_html, public_html):
        assert re.search(r'<img class="badge[^"]*" src="' + re.escape(image_uri) + '"', html)

    def pixels(data):
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")

    for png in (
        client.get(f"/credentials/{award.uuid}.png").content,
        client.get(f"/learner/credentials/{award.uuid}/download/png", {"lt": token}).content,
    ):
        assert ImageChops.difference(pixels(png), pixels(source)).getbbox() is None
    for svg in (
        client.get(f"/credentials/{award.uuid}.svg").content,
        client.get(f"/learner/credentials/{award.uuid}/download/svg", {"lt": token}).content,
    ):
        assert f'href="{image_uri}"'.encode() in svg  # the same bytes, shown at 256 × 256
        assert b'width="256" height="256"' in svg
