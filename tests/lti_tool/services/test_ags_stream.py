"""A result page read result by result accepts exactly what json.loads and the shape check
accepted, and says the same when it does not (no HTTP needed)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_tool.services.ags_stream import ResultStream
from lti_tool.services.errors import MalformedResponse

URL = "https://lms.example.edu/li/1/results"
SEEN = {"status": 200, "content_type": "application/json", "excerpt": "..."}

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_results = st.lists(
    st.fixed_dictionaries(
        {"userId": st.text(min_size=1) | st.integers()},
        optional={"resultScore": st.floats(allow_nan=False), "comment": st.text(), "x": _values},
    ),
    max_size=12,
)


def _read(text: str, chunk: int = 5) -> list[dict]:
    return [r for c in ResultStream(text, url=URL, seen=SEEN).chunks(chunk) for r in c]


@settings(max_examples=150, deadline=None)
@given(results=_results, indent=st.sampled_from([None, 0, 2]), chunk=st.integers(1, 4))
def test_a_valid_page_reads_as_json_loads_reads_it(results, indent, chunk):
    text = json.dumps(results, indent=indent, ensure_ascii=indent is None)
    assert _read(" \n" + text + "\r\n ", chunk) == json.loads(text)


@pytest.mark.parametrize(
    "body",
    [
        "[{not json",
        '[{"userId": "a"}',  # cut short
        '[{"userId": "a"},]',
        '[{"userId": "a"}] x',  # extra data
        '[{"userId": "a"} {"userId": "b"}]',
        "",
        "{{{",
        '[{"userId": 5}, {"x": 1}, {oops]',  # a wrong shape before a syntax error
    ],
)
def test_a_body_json_loads_refused_is_not_json_with_the_lms_answer(body):
    with pytest.raises(MalformedResponse, match="not valid JSON") as caught:
        _read(body)
    assert caught.value.status == 200 and caught.value.excerpt == "..."
    with pytest.raises(ValueError):
        json.loads(body)


@pytest.mark.parametrize(
    "body",
    ['{"results": []}', "[1]", '[{"userId": null}]', '[{"userId": "a"}, {"x": 1}]', '"[]"', "7"],
)
def test_valid_json_of_the_wrong_shape_is_refused_as_such(body):
    json.loads(body)
    with pytest.raises(MalformedResponse, match="wrong shape"):
        _read(body)


def test_a_fault_shows_only_when_the_reader_reaches_it():
    text = json.dumps([{"userId": f"u{i}"} for i in range(4)])[:-1] + ', {"x": 1}]'
    chunks = ResultStream(text, url=URL, seen=SEEN).chunks(2)
    assert [r["userId"] for r in next(chunks)] == ["u0", "u1"]
    assert [r["userId"] for r in next(chunks)] == ["u2", "u3"]
    with pytest.raises(MalformedResponse, match="wrong shape"):
        next(chunks)


def test_an_empty_page_has_no_results():
    assert _read(" [ ] ") == []
