"""The fast canonicalizer is byte-identical to PyLD's URDNA2015 over varied credentials."""

import base64
import copy
import dataclasses
import hashlib
import operator
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.canonicalize import canonicalize, reference_canonicalize
from credentials.credential_json import compose_credential
from credentials.documents import (
    AchievementInput,
    AlignmentInput,
    CredentialInput,
    CriterionInput,
    CriterionLevelInput,
    CriterionResultInput,
    EvidenceInput,
    IssuerInput,
    StatusEntryInput,
    SubjectInput,
)
from credentials.fast_canon import Unsupported, fast_canonicalize
from credentials.proofs import proof_config
from tests.hypothesis_profiles import examples

from .samples import sample_input

# Text that stresses N-Quads escaping and sorting: quotes, backslashes, controls, non-BMP.
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), min_codepoint=1), max_size=24)
nonempty = text.filter(lambda s: s.strip() != "")
# The strings of [a-z][a-z0-9-]{0,8}, built from two simple draws: st.from_regex spent a
# quarter of these tests' time drawing them.
slug = st.builds(
    operator.add,
    st.sampled_from(string.ascii_lowercase),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", max_size=8),
)
url = st.builds(lambda host, path: f"https://{host}.example/{path}", slug, slug)


def png_data_uri(seed: bytes, size: int = 6_800) -> str:
    """A data URI shaped like the generated badge images credentials embed (~9 kB of base64)."""
    body = b"".join(
        hashlib.sha256(seed + bytes([i % 256, i // 256])).digest() for i in range(size // 32)
    )
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + body).decode()


BADGE = png_data_uri(b"badge")
# Images as the achievements carry them: none, a URL, or the ~9 kB generated PNG as a data URI
# (also short ones, and base64's '+', '/' and '=' padding at every position of the tail).
image_urls = st.one_of(
    st.sampled_from(["", "https://img.example/b.png", BADGE]),
    st.builds(png_data_uri, st.binary(max_size=8), st.integers(0, 200)),
)

alignment = st.builds(
    AlignmentInput,
    target_url=url,
    target_name=nonempty,
    target_framework=text,
    target_code=text,
    target_description=text,
    target_type=st.sampled_from(["", "ceasn:Competency", "CFItem", "ext:Custom"]),
)


@st.composite
def criteria(draw):
    keys = draw(st.lists(slug, min_size=0, max_size=4, unique=True))
    out = []
    for key in keys:
        level_keys = draw(st.lists(slug, min_size=0, max_size=3, unique=True))
        levels = tuple(
            CriterionLevelInput(
                k,
                draw(nonempty),
                draw(text),
                draw(text),
                draw(text),
                tuple(draw(st.lists(alignment, max_size=1))),
            )
            for k in level_keys
        )
        out.append(
            CriterionInput(
                key=key,
                name=draw(nonempty),
                levels=levels,
                required_level=draw(st.sampled_from(["", *level_keys])),
                value_min=draw(st.sampled_from(["", "0", "1"])),
                value_max=draw(st.sampled_from(["", "10", "100"])),
                alignments=tuple(draw(st.lists(alignment, max_size=2))),
            )
        )
    return tuple(out)


@st.composite
def credential_inputs(draw):
    crits = draw(criteria())
    achievement = AchievementInput(
        id=draw(url),
        name=draw(nonempty),
        description=draw(nonempty),
        criteria_narrative=draw(text),
        achievement_type=draw(st.sampled_from(["Badge", "Certificate", "Competency", "ext:X"])),
        image_url=draw(image_urls),
        image_caption=draw(text),
        tags=tuple(draw(st.lists(text, max_size=3))),
        alignments=tuple(draw(st.lists(alignment, max_size=3))),
        criteria=crits,
        criteria_url=draw(st.sampled_from(["", "https://c.example/criteria"])),
        human_code=draw(text),
        field_of_study=draw(text),
    )
    results = []
    for c in crits:
        if draw(st.booleans()):
            results.append(
                CriterionResultInput(
                    c.key,
                    value=draw(text),
                    achieved_level=draw(st.sampled_from(["", *[lv.key for lv in c.levels]])),
                    status=draw(st.sampled_from(["", "Completed", "Provisional"])),
                )
            )
    return CredentialInput(
        credential_id=f"urn:uuid:{draw(st.uuids())}",
        issuer=IssuerInput(
            id=draw(st.sampled_from(["did:web:x.example:issuers:a", "https://x.example/i"])),
            name=draw(nonempty),
            url=draw(url),
            email=draw(st.sampled_from(["", "a@x.example"])),
            description=draw(text),
            image_url=draw(st.sampled_from(["", "https://x.example/logo.png"])),
        ),
        achievement=achievement,
        subject=SubjectInput(
            draw(st.sampled_from(["emailAddress", "lisSourcedId", "ltiUserId"])),
            draw(nonempty),
            salt=draw(slug),
            name=draw(text),
        ),
        valid_from="2026-01-15T10:00:00Z",
        valid_until=draw(st.sampled_from(["", "2030-01-01T00:00:00Z"])),
        results=tuple(results),
        evidence=tuple(
            draw(
                st.lists(
                    st.builds(EvidenceInput, url, nonempty, text, text, text, text), max_size=2
                )
            )
        ),
        status=draw(st.none() | st.builds(StatusEntryInput, url, st.integers(0, 200_000))),
    )


# Values for the mutations below: JSON scalars PyLD turns into typed literals.
scalars = st.one_of(
    text,
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
)


@st.composite
def mutated(draw):
    """A composed credential with random extra keys (defined or not) and values."""
    doc = compose_credential(draw(credential_inputs()))
    targets = [doc, doc["credentialSubject"], doc["credentialSubject"]["achievement"]]
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(targets))
        key = draw(
            st.sampled_from(
                ["description", "creditsAvailable", "undefinedTerm", "name", "image", "narrative"]
            )
        )
        target[key] = draw(st.one_of(scalars, st.lists(scalars, max_size=3)))
    return doc


SETTINGS = settings(max_examples=examples(50), suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(credential_inputs())
def test_composed_credentials_take_the_fast_path_and_match_pyld(data):
    doc = compose_credential(data)
    assert fast_canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


@SETTINGS
@given(mutated())
def test_arbitrary_additions_match_pyld(doc):
    assert canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


@SETTINGS
@given(st.text(min_size=1, max_size=40), st.sampled_from(["assertionMethod", "authentication"]))
def test_proof_configs_match_pyld(vm, purpose):
    cfg = proof_config(
        context=["https://www.w3.org/ns/credentials/v2"],
        verification_method=vm,
        created="2026-01-01T00:00:00Z",
        purpose=purpose,
    )
    assert canonicalize(cfg) == reference_canonicalize(cfg)


def test_unsupported_features_fall_back_to_pyld():
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://x.example/i",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "https://x.example/s"},
        "name": {"@value": "x", "@language": "en"},  # a value object
    }
    try:
        fast_canonicalize(doc)
        raise AssertionError("a value object must leave the fast path")
    except Unsupported:
        pass
    assert canonicalize(doc) == reference_canonicalize(doc)


def test_identical_blank_nodes_take_the_general_labelling_and_still_match():
    same = {"type": ["Alignment"], "targetName": "x", "targetUrl": "https://a.example/"}
    doc = compose_credential(sample_input())
    doc["credentialSubject"]["achievement"]["alignment"] = [dict(same), dict(same)]
    # Identical blank nodes are two RDF nodes with equal first-degree hashes: the walker's
    # quads are then labelled by PyLD's general URDNA2015 (canonical_labels).
    assert fast_canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


def _set(path, value):
    def mutate(doc):
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


ACH = ("credentialSubject", "achievement")
EDGE_CASES = {
    "shared id merges nodes": lambda d: d["evidence"][0].update(id=d[ACH[0]][ACH[1]]["id"]),
    "nested undefined key": lambda d: d[ACH[0]][ACH[1]]["alignment"][0].update(extra={"x": 1}),
    "explicit blank node ids": lambda d: (
        d["credentialSubject"].update(id="_:b0"),
        d["evidence"][0].update(id="_:b0"),
    ),
    "empty list": _set((*ACH, "tag"), []),
    "null value": _set((*ACH, "name"), None),
    "float with xsd:float": _set((*ACH, "creditsAvailable"), 1.5),
    "integer with xsd:float": _set((*ACH, "creditsAvailable"), 2),
    "string with xsd:float": _set((*ACH, "creditsAvailable"), "2.50"),
    "language-free string": _set((*ACH, "inLanguage"), "en"),
    "value object": _set(("name",), {"@value": "x", "@language": "en"}),
    "image as string": _set((*ACH, "image"), "https://x.example/y.png"),
    "image as data URI": _set((*ACH, "image"), {"id": BADGE, "type": "Image", "caption": "B"}),
    "data URI image as string": _set((*ACH, "image"), BADGE),
    "issuer image as data URI": lambda d: d["issuer"].update(image={"id": BADGE, "type": "Image"}),
    "inline context": lambda d: (
        d["@context"].append({"ex": "https://ex.example/"}),
        d.update({"ex:foo": "bar"}),
    ),
    "nested inline context": lambda d: d[ACH[0]][ACH[1]].update(
        {"@context": {"foo": "https://foo.example/"}, "foo": "bar"}
    ),
    "issuer as string": lambda d: d.update(issuer=d["issuer"]["id"]),
    "type as string": _set(("type",), "VerifiableCredential"),
    "boolean": _set(("description",), True),
    "relative id": _set(("id",), "relative"),
    "undefined type": _set(("type",), ["VerifiableCredential", "Nope"]),
}


def test_the_badge_data_uri_is_as_large_as_the_generated_images():
    assert 8_500 < len(BADGE) < 10_000  # the property tests above draw it: it must stay real


def test_a_credential_with_a_data_uri_badge_takes_the_fast_path_and_matches_pyld():
    data = sample_input()
    doc = compose_credential(
        dataclasses.replace(
            data, achievement=dataclasses.replace(data.achievement, image_url=BADGE)
        )
    )
    canonical = fast_canonicalize(copy.deepcopy(doc))
    assert BADGE in canonical
    assert canonical == reference_canonicalize(doc)


@pytest.mark.parametrize("mutate", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_match_pyld(mutate):
    doc = compose_credential(sample_input())
    mutate(doc)
    assert canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


def test_a_remembered_canonical_form_is_never_served_for_changed_content():
    # Issuing remembers the checked form so the verification after signing need not redo it;
    # the memory is keyed by content, so a document changed in place is canonicalized anew.
    doc = compose_credential(sample_input())
    first = canonicalize(doc)
    doc["credentialSubject"]["achievement"]["name"] = "Another name"
    assert canonicalize(doc) == reference_canonicalize(doc) != first
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 1
    one = canonicalize(doc)
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 1.0
    assert canonicalize(doc) == reference_canonicalize(doc)
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = True
    assert canonicalize(doc) == reference_canonicalize(doc) != one
