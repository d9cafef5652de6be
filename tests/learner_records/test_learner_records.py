"""A learner's record (ADR 0068): made on request from the credentials the learner holds now
(revoked and suspended ones left out), with the stacked structure, signed, stored, audited;
shown to its learner only, and to others only through the share link while it is on."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from awarding.award_grants import grant_award
from awarding.models import Award
from awarding.revoke import revoke_award
from credentials.clr_json import embedded_credentials
from credentials.local_verification import verify_credential, verify_record_contents
from credentials.models import Credential
from learner_records.models import LearnerRecord, RecordVersion
from learner_records.records import create_record
from lti_tool.launch_context import start_launch_session
from tests.awarding.factories import make_achievement, make_course, make_learner

pytestmark = pytest.mark.django_db

EVIDENCE = {"id": "https://portfolio.example.edu/work", "name": "Portfolio"}


def _granter(capture):
    def grant(basis, learner, achievement, *, course=None, components=()):
        with capture(execute=True):  # the issuing task runs when the grant commits
            award = grant_award(
                basis=basis,
                learner=learner,
                achievement=achievement,
                course=course,
                evidence_items=[EVIDENCE],
                components=components,
                actor="qa:1",
                reason="Reviewed.",
            )
        award.refresh_from_db()
        assert award.state == Award.State.ISSUED, award.issue_error
        return award

    return grant


@pytest.fixture
def world(settings, django_capture_on_commit_callbacks):
    """Ada holds two course credentials stacked into a pathway credential, a third one that
    was revoked and a fourth that is suspended; Grace holds one."""
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    grant = _granter(django_capture_on_commit_callbacks)
    course = make_course()
    ada = make_learner(platform=course.platform, name="Ada Example")
    grace = make_learner(platform=course.platform, name="Grace Example")

    def review(learner, name):
        achievement = make_achievement(course=course, name=name)
        return grant(Award.Basis.REVIEW, learner, achievement, course=course)

    parts = [review(ada, "Search data"), review(ada, "Evaluate data")]
    pathway = grant(
        Award.Basis.PATHWAY,
        ada,
        make_achievement(course=course, name="Data Literacy Pathway"),
        components=parts,
    )
    revoked = review(ada, "Revoked one")
    suspended = review(ada, "Suspended one")
    review(grace, "Grace's")
    revoke_award(award=revoked, reason="Issued in error", actor="qa:1")
    Credential.objects.filter(pk=suspended.credential_id).update(status=Credential.Status.SUSPENDED)
    return {"course": course, "ada": ada, "grace": grace, "parts": parts, "pathway": pathway}


def _token(world, learner):
    course = world["course"]
    return start_launch_session(
        platform_id=course.platform_id,
        deployment_id="dep-1",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub=learner.sub,
        learner_id=learner.pk,
        roles={"learner"},
        name=learner.name,
    ).token


def test_record_holds_valid_credentials_with_their_stacked_structure(world):
    version = create_record(actor="lti:ada", learner=world["ada"])
    document = version.credential.data
    ids = [c["id"] for c in embedded_credentials(document)]
    expected = [*world["parts"], world["pathway"]]
    assert ids == [f"urn:uuid:{a.credential_id}" for a in expected]  # oldest first
    names = {a["name"] for a in document["credentialSubject"]["achievement"]}
    assert "Revoked one" not in names and "Suspended one" not in names
    pathway_id = world["pathway"].credential.data["credentialSubject"]["achievement"]["id"]
    parents = {
        (a["sourceId"], a["targetId"])
        for a in document["credentialSubject"]["association"]
        if a["associationType"] == "isParentOf"
    }
    assert parents == {
        (pathway_id, p.credential.data["credentialSubject"]["achievement"]["id"])
        for p in world["parts"]
    }
    result = verify_credential(document)
    assert result.ok, result.errors
    assert all(e.result.ok for e in verify_record_contents(document))
    assert document["credentialSubject"]["name"] == "Ada Example"
    event = AuditEvent.objects.get(action="learner_record.issued")
    assert event.after == {"credential": str(version.credential_id), "credentials": 3, "stacked": 1}


def test_creating_again_replaces_what_the_share_link_shows(world, client):
    first = create_record(actor="lti:ada", learner=world["ada"])
    record = first.record
    record.shared = True
    record.save()
    revoke_award(award=world["parts"][0], reason="Appeal", actor="qa:1")
    second = create_record(actor="lti:ada", learner=world["ada"])
    assert second.record == record and RecordVersion.objects.count() == 2
    assert len(second.contents) == 2  # the revoked component is left out now
    # The pathway is still held, but no longer shown as stacking the revoked component.
    pairs = second.credential.data["credentialSubject"].get("association", [])
    assert len(pairs) == 2
    html = client.get(f"/records/{record.share_token}").content.decode()
    assert "Evaluate data" in html and "Search data" not in html
    assert html.count("data-credential=") == 2
    # The first version still verifies: it said what Ada held on its day.
    assert verify_credential(first.credential.data).ok


def test_learner_page_creates_shares_and_downloads(world, client):
    ada = world["ada"]
    lt = _token(world, ada)
    home = client.get("/learner/", {"lt": lt}).content.decode()
    assert 'href="/learner/record/?lt=' in home and "My learner record" in home
    page = client.get("/learner/record/", {"lt": lt}).content.decode()
    assert "Create my record" in page and "You hold 3 valid credentials" in page
    response = client.post("/learner/record/create", {"lt": lt})
    assert response.status_code == 302
    page = client.get("/learner/record/", {"lt": lt}).content.decode()
    assert "Update my record" in page and "Your record holds every credential" in page
    assert 'data-record-state="pass"' in page
    # The pathway with its components under it.
    assert re.search(r"Data Literacy Pathway.*Earned by holding:.*Search data", page, re.S)
    download = client.get("/learner/record/download/json", {"lt": lt})
    assert download["Content-Disposition"].startswith("attachment;")
    record = json.loads(download.content)
    assert "ClrCredential" in record["type"]
    jwt = client.get("/learner/record/download/jwt", {"lt": lt})
    assert jwt["Content-Type"] == "application/jwt" and jwt.content.count(b".") == 2
    token = LearnerRecord.objects.get(learner=ada).share_token
    assert client.get(f"/records/{token}").status_code == 404  # private until shared
    client.post("/learner/record/sharing", {"lt": lt, "shared": "1"})
    shared = client.get(f"/records/{token}")
    assert shared.status_code == 200 and "Data Literacy Pathway" in shared.content.decode()
    assert json.loads(client.get(f"/records/{token}/download/json").content) == record
    client.post("/learner/record/sharing", {"lt": lt, "shared": "0"})
    assert client.get(f"/records/{token}").status_code == 404
    assert client.get(f"/records/{token}/download/json").status_code == 404
    assert list(
        AuditEvent.objects.filter(action="learner_record.sharing").values_list("after", flat=True)
    ) == [{"shared": True}, {"shared": False}]


def test_nobody_else_sees_a_record(world, client):
    ada, grace = world["ada"], world["grace"]
    create_record(actor="lti:ada", learner=ada)
    grace_lt = _token(world, grace)
    page = client.get("/learner/record/", {"lt": grace_lt}).content.decode()
    assert "Data Literacy Pathway" not in page and "Create my record" in page
    # Grace's download is her own record (none yet), never Ada's.
    assert client.get("/learner/record/download/json", {"lt": grace_lt}).status_code == 404
    # Without a launch: refused; a made-up share token: 404.
    assert client.get("/learner/record/").status_code == 403
    assert client.get("/learner/record/download/json").status_code == 403
    assert client.get("/records/not-a-real-token").status_code == 404
    # Ada's record is private: her share token alone shows nothing.
    token = LearnerRecord.objects.get(learner=ada).share_token
    assert client.get(f"/records/{token}").status_code == 404
    # The record's public credential page is never served: records are private rows.
    version = RecordVersion.objects.get()
    assert client.get(f"/credentials/{version.credential_id}").status_code == 404
    assert client.get(f"/credentials/{version.credential_id}.json").status_code == 404


def test_a_learner_with_nothing_valid_gets_no_record(world, client):
    course = world["course"]
    nobody = make_learner(platform=course.platform, name="New Learner")
    lt = _token(world, nobody)
    client.post("/learner/record/create", {"lt": lt})
    assert not LearnerRecord.objects.filter(learner=nobody).exists()
    page = client.get("/learner/record/", {"lt": lt}).content.decode()
    assert "You hold no valid credential from this institution yet." in page


def test_export_writes_every_kind_in_its_folder(world, tmp_path: Path):
    version = create_record(actor="lti:ada", learner=world["ada"])
    out = io.StringIO()
    call_command("export_credentials", "--out", str(tmp_path), stdout=out)
    folders = {p.name: sorted(f.stem for f in p.iterdir()) for p in tmp_path.iterdir()}
    assert folders["learner-records"] == [str(version.credential_id)]
    assert folders["pathway"] == [str(world["pathway"].credential_id)]
    assert len(folders["course"]) == 5  # four of Ada's (revoked and suspended too), Grace's
    assert "other" not in folders
    for credential in Credential.objects.all():
        kind = next(k for k, ids in folders.items() if str(credential.pk) in ids)
        path = tmp_path / kind / f"{credential.pk}.json"
        assert path.read_bytes() == credential.document.encode("utf-8")
    assert "exported 7 credential(s)" in out.getvalue()
