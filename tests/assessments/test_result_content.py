"""The canonical JSON a result's hash is taken of: the encoder built once gives exactly what
`json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.result_content import _CANONICAL, _encode, canonical_and_hash

# Everything JSON can hold, as `json.loads` returns it: non-ASCII and control characters,
# big integers, and the NaN and Infinity that Python's decoder accepts.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(blacklist_categories=("Cs",))),
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), documents, max_size=8))
def test_the_encoder_built_once_writes_what_the_standard_encoder_writes(raw):
    assert _encode(raw) == _CANONICAL.encode(raw)


def test_its_text_is_what_is_hashed_and_stored():
    raw = {"userId": "7", "b": [1.5, None, "é\n\u2028"], "a": {"z": True, "y": 10**20}}
    text, digest = canonical_and_hash(raw)
    assert text == json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert json.loads(text) == raw
    assert len(digest) == 64
