"""The credential inputs built from an achievement, a rubric spec and a decision."""

import io
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID, uuid4

import jsonschema
import pytest
from django.core.cache import cache
from PIL import Image

import credentials
from awarding import badge_image, credential_inputs
from awarding.badge_image import SIZE, badge_data_uri, badge_png, draw_badge, initials
from credentials.credential_json import compose_credential
from credentials.document_checks import find_problems
from credentials.documents import CredentialInput, IssuerInput
from rubrics.evaluate import evaluate
from rubrics.spec import AlignmentSpec, CriterionSpec, LevelSpec, Observation, VersionSpec

BASE = "https://tool.example.edu"
ACH_UUID = UUID("11111111-2222-3333-4444-555555555555")
AWARD_UUID = UUID("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
DIGCOMP = "https://joint-research-centre.ec.europa.eu/digcomp"

SPEC = VersionSpec(
    criteria=(
        CriterionSpec(
            key="browse",
            title="Browsing",
            points=10,
            threshold=6,
            levels=(
                LevelSpec("Foundation", 0),
                LevelSpec("Intermediate", 6),
                LevelSpec("Advanced", 9),
            ),
            alignments=(AlignmentSpec("DigComp 2.2", "1.1", "Browsing data", f"{DIGCOMP}#1.1"),),
        ),
        CriterionSpec(
            key="create",
            title="Creating",
            points=20,
            threshold=50,
            threshold_unit="percent",
            levels=(LevelSpec("Basic", 0), LevelSpec("Good", 10)),
            alignments=(
                AlignmentSpec("DigComp 2.2", "3.1", "Developing content", f"{DIGCOMP}#3.1"),
                AlignmentSpec("DigComp 2.2", "1.1", "Browsing data", f"{DIGCOMP}#1.1"),
            ),
        ),
    )
)


def achievement(**kw):
    return SimpleNamespace(
        uuid=ACH_UUID,
        name="Digital <Content> Creator",
        description="Creates content.",
        criteria_narrative="Meet every criterion.",
        achievement_type="MicroCredential",
        image=None,
        tags=["digcomp", "content"],
        validity_days=None,
        language="de",
        **kw,
    )


def learner(email="ada@example.edu", sourcedid="", name="Ada Lovelace"):
    return SimpleNamespace(email=email, lis_person_sourcedid=sourcedid, sub="u-42", name=name)


def test_achievement_carries_criteria_levels_and_deduplicated_alignments():
    ach = credential_inputs.build_achievement(base_url=BASE, achievement=achievement(), spec=SPEC)
    assert ach.id == f"{BASE}/achievements/{ACH_UUID}"
    assert ach.language == "de"  # the language it was written in, for inLanguage
    assert [c.key for c in ach.criteria] == ["browse", "create"]
    browse = ach.criteria[0]
    assert [(lv.key, lv.points) for lv in browse.levels] == [
        ("foundation", "0-6"),
        ("intermediate", "6-9"),
        ("advanced", "9-10"),
    ]
    assert browse.required_level == "intermediate"  # the band starting at the threshold
    assert ach.criteria[1].required_level == "good"  # 50 % of 20 points
    assert [a.target_code for a in ach.alignments] == ["1.1", "3.1"]
    assert ach.image_url.startswith("data:image/png;base64,")
    assert ach.tags == ("digcomp", "content")


def test_subject_prefers_email_then_sourcedid_then_lti_id_and_hides_names_on_request():
    assert (
        credential_inputs.build_subject(learner=learner(), show_name=True).identity_type
        == "emailAddress"
    )
    s = credential_inputs.build_subject(learner=learner(email="", sourcedid="S-1"), show_name=False)
    assert (s.identity_type, s.identity_value, s.name) == ("lisSourcedId", "S-1", "")
    s = credential_inputs.build_subject(learner=learner(email=""), show_name=True)
    assert (s.identity_type, s.identity_value, s.name) == ("ltiUserId", "u-42", "Ada Lovelace")


def test_results_follow_the_decision():
    decision = evaluate(
        SPEC,
        {
            "browse": [Observation(9.5, 10, None)],
            "create": [Observation(12, 20, None)],
        },
    ).to_dict()
    results = credential_inputs.build_results(spec=SPEC, decision=decision)
    assert [(r.criterion_key, r.value, r.achieved_level) for r in results] == [
        ("browse", "9.5", "advanced"),
        ("create", "12", "good"),
    ]


def test_composed_document_is_valid_open_badges_3():
    decision = evaluate(
        SPEC, {"browse": [Observation(7, 10, None)], "create": [Observation(15, 20, None)]}
    ).to_dict()
    data = CredentialInput(
        credential_id=f"urn:uuid:{AWARD_UUID}",
        issuer=IssuerInput(id="did:web:tool.example.edu", name="Uni", url=BASE),
        achievement=credential_inputs.build_achievement(
            base_url=BASE, achievement=achievement(), spec=SPEC
        ),
        subject=replace(
            credential_inputs.build_subject(learner=learner(), show_name=True), salt="s4lt"
        ),
        valid_from="2026-01-01T00:00:00Z",
        results=tuple(credential_inputs.build_results(spec=SPEC, decision=decision)),
        evidence=tuple(
            credential_inputs.build_evidence(
                base_url=BASE, award_uuid=AWARD_UUID, achievement_name="X"
            )
        ),
    )
    doc = compose_credential(data)
    schema_path = Path(credentials.__file__).parent / "schemas"
    schema = json.loads((schema_path / "ob_v3p0_achievementcredential_schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert find_problems(doc) == []
    assert doc["evidence"][0]["id"] == f"{BASE}/evidence/{AWARD_UUID}"


def test_validity_and_badge_image():
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert credential_inputs.validity(issued_at=at, validity_days=None) is None
    assert credential_inputs.validity(issued_at=at, validity_days=365).year == 2027
    assert initials("Digital content creator") == "DCC"
    png = draw_badge(name="<script>", seed="x")
    assert draw_badge(name="<script>", seed="x") == png  # the same bytes on every run
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (SIZE, SIZE)
    assert badge_data_uri(name="<script>", seed="x").startswith("data:image/png;base64,")


def test_a_badge_is_drawn_once_and_then_read_from_the_shared_cache(monkeypatch):
    badge_png.cache_clear()
    drawn = []
    monkeypatch.setattr(
        badge_image, "draw_badge", lambda **kw: drawn.append(kw) or draw_badge(**kw)
    )
    seed = str(uuid4())  # an achievement no other test drew
    png = badge_png(name="Data literacy", seed=seed)
    badge_png.cache_clear()  # another process: its own memory is empty
    assert badge_png(name="Data literacy", seed=seed) == png
    assert drawn == [{"name": "Data literacy", "seed": seed}]
    # Another achievement is drawn, not taken from the first one's entry.
    assert badge_png(name="Network security", seed=seed) != png
    assert len(drawn) == 2

    # What the cache holds is signed into credentials: anything but a PNG is drawn again.
    cache.set(badge_image._cache_key(name="Data literacy", seed=seed), b"<svg onload=x()>")
    badge_png.cache_clear()
    assert badge_png(name="Data literacy", seed=seed) == png
    assert len(drawn) == 3


@pytest.mark.parametrize("names", [("A", "a"), ("Level 1", "level-1")])
def test_level_keys_are_unique(names):
    c = CriterionSpec(
        key="k",
        title="K",
        points=10,
        threshold=5,
        levels=tuple(LevelSpec(n, i) for i, n in enumerate(names)),
    )
    keys = credential_inputs.level_keys(c)
    assert len(set(keys.values())) == 2
