"""The fast schema answer never disagrees with jsonschema (the authority)."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials import schema
from credentials.credential_json import compose_credential
from tests.hypothesis_profiles import examples

from .samples import sample_input

pytest.importorskip("fastjsonschema")

DOC = compose_credential(sample_input())
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.just([]), st.just({})
)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


PATHS = [p for p in _paths(DOC) if p]


@settings(max_examples=examples(75))
@given(st.sampled_from(PATHS), st.sampled_from(["set", "delete"]), VALUES)
def test_fast_and_authoritative_validators_agree(path, action, value):
    doc = copy.deepcopy(DOC)
    target = doc
    for step in path[:-1]:
        target = target[step]
    if action == "delete":
        del target[path[-1]]
    else:
        target[path[-1]] = value
    authoritative = not any(True for _ in schema._validator().iter_errors(doc))
    assert (schema.schema_problems(doc) == []) == authoritative
    if schema._fast_accepts()(doc):
        assert authoritative, f"fast validator accepted an invalid document at {path}"


def test_sample_is_valid_both_ways():
    assert schema._fast_accepts()(DOC) and schema.schema_problems(DOC) == []


def test_the_achievement_is_validated_once_per_content_not_per_object():
    # The fast check remembers valid achievements (the same in every credential of an award);
    # changing one in place after it was accepted must not reuse that answer.
    assert schema._achievement_split(schema._schema())  # the bundled schema takes that path
    doc = copy.deepcopy(DOC)
    assert schema._fast_accepts()(doc)
    doc["credentialSubject"]["achievement"]["criteria"] = "not an object"
    assert not schema._fast_accepts()(doc)
    assert schema.schema_problems(doc) == [
        "credentialSubject/achievement/criteria: 'not an object' is not of type 'object'"
    ]


def test_the_fast_validators_name_array_items_without_a_dict_of_their_locals():
    # `.format(**locals())` per array item was ~40 % of the fast check: every one is rewritten
    # (a fastjsonschema that words it otherwise fails here rather than going slow unnoticed).
    import fastjsonschema

    definition = {**schema._schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    code = fastjsonschema.compile_to_code(definition, detailed_exceptions=False)
    assert "**locals()" in code
    assert "locals()" not in schema._NAME_FORMAT.sub(schema._explicit_format, code)


@settings(max_examples=examples(75))
@given(st.sampled_from(PATHS), VALUES)
def test_array_items_refused_deep_in_the_document_agree(path, value):
    # Items of arrays are where the rewritten names are formatted: refuse some of them.
    doc = copy.deepcopy(DOC)
    target = doc
    for step in path[:-1]:
        target = target[step]
    if not isinstance(target, list):
        return
    target[path[-1]] = value
    authoritative = not any(True for _ in schema._validator().iter_errors(doc))
    assert (schema.schema_problems(doc) == []) == authoritative
