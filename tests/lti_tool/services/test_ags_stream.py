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


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _read(text: str, chunk: int = 5, piece: int = 0) -> list[dict]:
    """Read whole (`piece` 0) or as it arrives, `piece` characters at a time."""
    body = _pieces(text, piece) if piece else text
    return [r for c in ResultStream(body, url=URL, seen=SEEN).chunks(chunk) for r in c]


@settings(max_examples=150, deadline=None)
@given(
    results=_results,
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(1, 4),
    piece=st.integers(0, 40),
)
def test_a_valid_page_reads_as_json_loads_reads_it(results, indent, chunk, piece):
    # However the body is cut into pieces as it arrives (a number cut in two included).
    text = json.dumps(results, indent=indent, ensure_ascii=indent is None)
    assert _read(" \n" + text + "\r\n ", chunk, piece) == json.loads(text)


def test_a_number_cut_by_the_end_of_a_piece_is_read_whole():
    body = ['[{"userId": 12', "34", '5, "x": [1', '2]}, {"userId": 7}', "]"]
    assert [r for c in ResultStream(body, url=URL, seen=SEEN).chunks(5) for r in c] == [
        {"userId": 12345, "x": [12]},
        {"userId": 7},
    ]


def test_only_the_unread_part_of_a_body_is_kept():
    results = [{"userId": f"u{i}", "comment": "x" * 100} for i in range(2000)]
    text = json.dumps(results)
    stream = ResultStream(_pieces(text, 4096), url=URL, seen=SEEN)
    for n, _ in enumerate(stream):
        assert len(stream._text) < 2 * 4096  # a piece and the result cut by its end
    assert n == 1999


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
@pytest.mark.parametrize("piece", [0, 1, 3])
def test_a_body_json_loads_refused_is_not_json_with_the_lms_answer(body, piece):
    with pytest.raises(MalformedResponse, match="not valid JSON") as caught:
        _read(body, piece=piece)
    assert caught.value.status == 200 and caught.value.excerpt == "..."
    with pytest.raises(ValueError):
        json.loads(body)


@pytest.mark.parametrize(
    "body",
    ['{"results": []}', "[1]", '[{"userId": null}]', '[{"userId": "a"}, {"x": 1}]', '"[]"', "7"],
)
@pytest.mark.parametrize("piece", [0, 1, 3])
def test_valid_json_of_the_wrong_shape_is_refused_as_such(body, piece):
    json.loads(body)
    with pytest.raises(MalformedResponse, match="wrong shape"):
        _read(body, piece=piece)


def test_a_fault_shows_only_when_the_reader_reaches_it():
    text = json.dumps([{"userId": f"u{i}"} for i in range(4)])[:-1] + ', {"x": 1}]'
    chunks = ResultStream(text, url=URL, seen=SEEN).chunks(2)
    assert [r["userId"] for r in next(chunks)] == ["u0", "u1"]
    assert [r["userId"] for r in next(chunks)] == ["u2", "u3"]
    with pytest.raises(MalformedResponse, match="wrong shape"):
        next(chunks)


def test_an_empty_page_has_no_results():
    assert _read(" [ ] ") == []
