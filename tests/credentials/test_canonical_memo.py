"""The remembered subtrees (credentials.subtree_memo) canonicalize exactly as PyLD does.

Every credential of an award repeats its achievement; the fast walker replays the quads it
remembered for it with fresh blank nodes. A replay must give PyLD's canonical N-Quads whether
it is the first walk or a later one, in the default graph or a record's named graphs, once or
several times in one document, and must report the same dropped keys every time.
"""

import copy
import dataclasses
import uuid
from collections import OrderedDict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials import subtree_memo
from credentials.canonicalize import reference_canonicalize
from credentials.clr_json import compose_clr
from credentials.credential_json import compose_credential
from credentials.document_checks import find_problems
from credentials.documents import ClrInput, SubjectInput
from credentials.fast_canon import fast_canonicalize
from tests.hypothesis_profiles import examples

from .samples import sample_input
from .test_canonical_equivalence import credential_inputs, nonempty, slug, text

SETTINGS = settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])


def _matches(doc):
    return fast_canonicalize(copy.deepcopy(doc)) == reference_canonicalize(doc)


@SETTINGS
@given(credential_inputs(), st.lists(st.tuples(nonempty, slug, text), min_size=1, max_size=3))
def test_credentials_sharing_an_achievement_match_pyld_on_every_walk(data, learners):
    # The first credential's walk remembers the achievement; the others replay it.
    for identifier, salt, name in [("first", "s", ""), *learners]:
        subject = SubjectInput("emailAddress", identifier, salt=salt, name=name)
        doc = compose_credential(
            dataclasses.replace(data, credential_id=f"urn:uuid:{uuid.uuid4()}", subject=subject)
        )
        assert _matches(doc)


def test_the_second_credential_of_an_achievement_replays_it(monkeypatch):
    # The memory is the process's: another test of this process may have walked the same
    # achievement, renamed as below (test_canonical_equivalence does), so it starts empty.
    monkeypatch.setattr(subtree_memo, "_SUBTREES", OrderedDict())
    data = sample_input()
    fast_canonicalize(compose_credential(data))
    walks = []
    original = subtree_memo.remember
    monkeypatch.setattr(subtree_memo, "remember", lambda *a: walks.append(a) or original(*a))
    other = dataclasses.replace(data, credential_id=f"urn:uuid:{uuid.uuid4()}")
    assert _matches(compose_credential(other))
    assert walks == []
    # Changed content is a new key, never the remembered quads.
    doc = compose_credential(other)
    doc["credentialSubject"]["achievement"]["name"] = "Another name"
    assert _matches(doc)
    assert len(walks) == 1


def test_one_achievement_twice_in_a_document_gets_distinct_blank_nodes():
    # Two copies of one node object: one IRI node, but each copy's blank nodes (criteria,
    # alignments) are nodes of their own; reusing the labels would merge them.
    doc = compose_credential(sample_input())
    achievement = doc["credentialSubject"]["achievement"]
    doc["credentialSubject"]["achievement"] = [achievement, copy.deepcopy(achievement)]
    assert _matches(doc)
    assert _matches(doc)


def test_a_record_of_credentials_with_one_achievement_matches_pyld():
    # The achievement is replayed into each embedded credential's named graph.
    credentials = []
    for i in range(3):
        data = sample_input(str(uuid.UUID(int=700 + i, version=4)))
        data = dataclasses.replace(data, subject=dataclasses.replace(data.subject, salt=f"s{i}"))
        credentials.append(compose_credential(data))
    fast_canonicalize(copy.deepcopy(credentials[0]))  # remembered in the default graph
    data = sample_input()
    record = compose_clr(
        ClrInput(
            record_id=f"urn:uuid:{uuid.uuid4()}",
            issuer=data.issuer,
            subject=data.subject,
            name="Record",
            description="",
            valid_from="2026-01-15T10:00:00Z",
            credentials=tuple(credentials),
            stacks=(),
        )
    )
    assert _matches(record)
    assert _matches(record)


def test_dropped_keys_are_reported_on_every_walk():
    for _ in range(2):
        doc = compose_credential(sample_input())
        doc["credentialSubject"]["achievement"]["undefinedTerm"] = "x"
        doc["credentialSubject"]["achievement"]["alignment"][0]["alsoUndefined"] = 1
        problems = find_problems(doc)
        assert "the key 'undefinedTerm' is defined by no context" in problems
        assert "the key 'alsoUndefined' is defined by no context" in problems


def test_explicit_blank_node_ids_inside_a_remembered_node_stay_shared():
    # "_:x" names one node wherever the document mentions it: never replayed with new labels.
    for _ in range(2):
        doc = compose_credential(sample_input())
        achievement = doc["credentialSubject"]["achievement"]
        achievement["alignment"][0]["id"] = "_:shared"
        doc["evidence"][0]["id"] = "_:shared"
        assert _matches(doc)


def test_the_remembered_nquads_pieces_leave_out_long_texts():
    # The text of recurring quads is remembered; a data URI badge's (~9 kB) is not, so the
    # memory stays a few MB whatever badges are issued or verified.
    from credentials import canonical_labels

    badge = "data:image/png;base64," + "A" * 9_000
    data = sample_input()
    doc = compose_credential(
        dataclasses.replace(
            data, achievement=dataclasses.replace(data.achievement, image_url=badge)
        )
    )
    assert _matches(doc) and _matches(doc)
    remembered = canonical_labels._PLAIN_PARTS
    assert remembered
    assert not any(badge in "".join(str(x) for x in quad) for quad in remembered)
