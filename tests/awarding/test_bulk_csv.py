"""The pure core of bulk award and revocation: reading the file, and each line's outcome."""

from __future__ import annotations

import pytest

from awarding import bulk_csv
from awarding.bulk_csv import AWARD, REVOKE, CsvRefused, Lookups, Outcome

LOOKUPS = Lookups(
    learners={
        "ana-sub": (1,),
        "sid-ana": (1,),
        "grace-sub": (2,),
        "alan-sub": (3,),
        "twin": (4, 5),
    },
    achievements={"data literacy": (10,), "first aid": (11,), "twice": (12, 13)},
    enrolled=frozenset({1, 2, 4, 5}),
    live_awards={(2, 10): 99},
    categories={"issued_in_error": "issued_in_error", "issued in error": "issued_in_error"},
)


def outcomes(text: str, kind: str = AWARD) -> list[tuple[int, Outcome, str]]:
    rows = bulk_csv.read_rows(bulk_csv.decode(text.encode()), kind=kind)
    return [(o.line, o.outcome, o.detail) for o in bulk_csv.classify(rows, LOOKUPS, kind=kind)]


def test_every_outcome_of_an_award_preview_with_its_line_number():
    text = (
        "Learner,Achievement,Reason,Evidence URL\n"
        "ana-sub,Data Literacy,Portfolio reviewed,https://example.org/p\n"  # 2
        "grace-sub,Data Literacy,Portfolio reviewed,\n"  # 3 holds it
        "nobody,Data Literacy,Portfolio reviewed,\n"  # 4
        "ana-sub,Knitting,Portfolio reviewed,\n"  # 5
        "alan-sub,First Aid,Portfolio reviewed,\n"  # 6 not enrolled
        "ana-sub,First Aid,ok,\n"  # 7 reason too short
        "ana-sub,First Aid,Portfolio reviewed,http://example.org/p\n"  # 8 not https
        "SID-ANA,data   literacy,Portfolio reviewed again,\n"  # 9 same pair as line 2
        "twin,First Aid,Portfolio reviewed,\n"  # 10
        "ana-sub,Twice,Portfolio reviewed,\n"  # 11
        "ana-sub,First Aid\n"  # 12 cells missing
        "\n"
        '"ana-sub","First Aid","multi\nline reason",\n'  # 14, spans two lines
    )
    assert outcomes(text) == [
        (2, Outcome.WILL_AWARD, ""),
        (3, Outcome.ALREADY_HOLDS, ""),
        (4, Outcome.UNKNOWN_LEARNER, ""),
        (5, Outcome.UNKNOWN_ACHIEVEMENT, ""),
        (6, Outcome.NOT_ENROLLED, ""),
        (7, Outcome.MALFORMED, "short_reason"),
        (8, Outcome.MALFORMED, "evidence_url"),
        (9, Outcome.DUPLICATE, "2"),
        (10, Outcome.AMBIGUOUS_LEARNER, ""),
        (11, Outcome.AMBIGUOUS_ACHIEVEMENT, ""),
        (12, Outcome.MALFORMED, "cell_count"),
        (14, Outcome.WILL_AWARD, ""),
    ]


def test_revoke_outcomes_and_the_public_reason_by_value_or_label():
    text = (
        "learner,achievement,reason,public_reason\n"
        "grace-sub,Data Literacy,Entered for the wrong person,Issued in error\n"
        "ana-sub,Data Literacy,Entered for the wrong person,issued_in_error\n"
        "grace-sub,Data Literacy,Entered for the wrong person,because\n"
        "grace-sub,Data Literacy,Entered for the wrong person,\n"
    )
    rows = bulk_csv.read_rows(text, kind=REVOKE)
    found = bulk_csv.classify(rows, LOOKUPS, kind=REVOKE)
    assert [(o.outcome, o.detail) for o in found] == [
        (Outcome.WILL_REVOKE, ""),
        (Outcome.NOT_HELD, ""),
        (Outcome.MALFORMED, "public_reason"),
        (Outcome.MALFORMED, "no_public_reason"),
    ]
    assert found[0].award_id == 99 and found[0].extra == "issued_in_error"
    assert not bulk_csv.all_applicable(found)
    assert bulk_csv.all_applicable(found[:1])


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"learner,achievement\nx,y\n", "missing_columns"),
        (b"learner,achievement,reason,colour\nx,y,zzzzz,red\n", "unknown_columns"),
        (b"learner,achievement,reason\n", "no_rows"),
        ("learner,achievement,reason\nJosé,x,yyyyy\n".encode("latin-1"), "not_utf8"),
        ("learner,achievement,reason\n".encode("utf-16"), "utf16"),
        (b"learner,achievement,reason\n\x00\x00,x,y\n", "binary"),
        (b'learner,achievement,reason\n"ana,x,yyyyy\n', "not_csv"),
        (b"x" * (bulk_csv.MAX_BYTES + 1), "too_large"),
    ],
)
def test_a_file_that_is_not_a_readable_table_is_refused_whole(data, code):
    with pytest.raises(CsvRefused) as refused:
        bulk_csv.read_rows(bulk_csv.decode(data), kind=AWARD)
    assert refused.value.code == code


def test_utf8_with_a_byte_order_mark_reads_like_without():
    text = "learner,achievement,reason\nana-sub,Data Literacy,Anerkennung früherer Lernergebnisse\n"
    plain = bulk_csv.decode(text.encode())
    bom = bulk_csv.decode(b"\xef\xbb\xbf" + text.encode())
    assert plain == bom
    assert bulk_csv.read_rows(bom, kind=AWARD)[0].learner == "ana-sub"


def test_too_many_rows_are_refused_before_they_are_classified():
    text = "learner,achievement,reason\n" + "ana-sub,x,yyyyy\n" * (bulk_csv.MAX_ROWS + 1)
    with pytest.raises(CsvRefused) as refused:
        bulk_csv.read_rows(text, kind=AWARD)
    assert refused.value.code == "too_many_rows"


def test_the_digest_changes_when_any_promised_outcome_changes():
    text = "learner,achievement,reason\nana-sub,Data Literacy,Portfolio reviewed\n"
    rows = bulk_csv.read_rows(text, kind=AWARD)
    before = bulk_csv.outcomes_digest(bulk_csv.classify(rows, LOOKUPS, kind=AWARD))
    held = Lookups(**{**LOOKUPS.__dict__, "live_awards": {(1, 10): 5}})
    after = bulk_csv.outcomes_digest(bulk_csv.classify(rows, held, kind=AWARD))
    assert before != after
    assert before == bulk_csv.outcomes_digest(bulk_csv.classify(rows, LOOKUPS, kind=AWARD))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/portfolio", True),
        ("http://example.org/portfolio", False),
        ("javascript:alert(1)", False),
        ("https:///nohost", False),
        ("https://exa mple.org/", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_absolute_https_urls_are_evidence(url, ok):
    assert bulk_csv.is_https_url(url) is ok
