"""Pure shaping used by the pages: grid rows, reports, CSV safety, share links, checklist."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from awarding import award_reports, csv_export, decision_grid
from awarding.setup_checklist import checklist
from awarding.share_links import share_links


def _result(outcome, **criteria):
    return {
        "outcome": outcome,
        "criteria": [
            {
                "key": key,
                "title": key.title(),
                "required": True,
                "points": 10,
                "threshold": 6,
                "observed": observed,
                "level": "Advanced" if (observed or 0) >= 9 else None,
                "passed": observed is not None and observed >= 6,
                "evidence": None
                if observed is None
                else {"score": observed, "maximum": 10, "timestamp": stamp, "comment": "ok"},
            }
            for key, (observed, stamp) in criteria.items()
        ],
    }


T0 = "2026-11-20T10:00:00+00:00"


def test_rows_follow_columns_and_mark_missing():
    results = {
        1: (_result("met", a=(9, T0), b=(7, T0)), None),
        2: (_result("insufficient_evidence", a=(None, None), b=(8, T0)), None),
    }
    columns = decision_grid.columns_of(r for r, _ in results.values())
    assert [c.key for c in columns] == ["a", "b"]
    rows = decision_grid.build_rows(
        learners=[(2, "bea"), (1, "Al"), (3, "Cy")],
        decisions=results,
        awards={1: "A"},
        columns=columns,
    )
    assert [r.name for r in rows] == ["Al", "bea", "Cy"]  # case-insensitive order
    al, bea, cy = rows
    assert al.award == "A" and al.outcome == "met" and al.cells[0].level == "Advanced"
    assert bea.cells[0].status == "missing" and bea.cells[1].status == "met"
    assert cy.outcome is None and cy.cells == (None, None)
    assert decision_grid.outcome_counts(rows) == {
        "met": 1,
        "not_met": 0,
        "insufficient_evidence": 1,
        "pending": 1,
    }


def test_spec_columns_convert_percent_thresholds():
    columns = decision_grid.columns_of_spec(
        {
            "criteria": [
                {
                    "key": "a",
                    "title": "A",
                    "points": 20,
                    "threshold": 75,
                    "threshold_unit": "percent",
                }
            ]
        }
    )
    assert columns[0].threshold == 15


def test_hidden_comments():
    cells = decision_grid.cells_of(
        _result("met", a=(9, T0)), decision_grid.columns_of([_result("met", a=(9, T0))])
    )
    assert cells[0].comment == "ok"
    assert decision_grid.comments_hidden(cells)[0].comment == ""


def test_csv_defuses_formulas_but_keeps_numbers():
    assert csv_export.csv_safe("=1+1") == "'=1+1"
    assert csv_export.csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_export.csv_safe("-5") == "-5"
    assert csv_export.csv_safe(None) == ""
    text = csv_export.to_csv(["a"], [["+cmd"]])
    assert text == "a\r\n'+cmd\r\n"


def test_pass_rates_and_awards_per_rule():
    rates = award_reports.pass_rates(
        [
            ("R", _result("met", a=(9, T0))),
            ("R", _result("not_met", a=(2, T0))),
            ("R", _result("x", a=(None, None))),
        ]
    )
    (rate,) = rates
    assert (rate.evaluated, rate.passed, rate.missing, rate.rate) == (2, 1, 1, 0.5)
    per_rule = award_reports.awards_per_rule(
        [(1, "R", "issued"), (1, "R", "issued"), (1, "R", "revoked")]
    )
    assert per_rule[0].by_state == {"issued": 2, "revoked": 1} and per_rule[0].total == 3


def test_grade_to_credential_uses_the_newest_grade():
    graded = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    later = (graded + timedelta(seconds=30)).isoformat()
    pairs = [
        (_result("met", a=(9, T0), b=(8, later)), graded + timedelta(seconds=32)),
        (_result("met", a=(9, T0)), graded + timedelta(seconds=4)),
        (_result("met", a=(None, None)), graded),  # no timestamp: not counted
    ]
    latency = award_reports.grade_to_credential(pairs)
    assert latency.count == 2 and latency.max_s == 4 and latency.median_s == 3


def test_share_links():
    links = share_links(
        base_url="https://tool.example/",
        credential_id="abc",
        achievement_name="Data & Skills",
        issuer_name="Test U",
        issued_at=datetime(2026, 3, 5, tzinfo=UTC),
    )
    assert links.public_url == "https://tool.example/credentials/abc"
    query = parse_qs(urlsplit(links.linkedin_url).query)
    assert query["name"] == ["Data & Skills"] and query["certUrl"] == [links.public_url]
    assert query["issueYear"] == ["2026"] and query["issueMonth"] == ["3"]
    assert "expirationYear" not in query  # does not expire
    assert query["certId"] == ["abc"] and query["organizationName"] == ["Test U"]
    mail = urlsplit(links.email_url)
    assert mail.scheme == "mailto" and mail.path == ""  # the learner's mail program asks whom
    fields = {k: unquote(v) for k, _, v in (p.partition("=") for p in mail.query.split("&"))}
    assert fields["subject"] == "My credential: Data & Skills"
    assert links.public_url in fields["body"] and "Test U" in fields["body"]


def test_share_links_carry_the_expiry():
    links = share_links(
        base_url="https://tool.example",
        credential_id="abc",
        achievement_name="N",
        issuer_name="I",
        issued_at=datetime(2026, 3, 5, tzinfo=UTC),
        valid_until=datetime(2027, 11, 30, tzinfo=UTC),
    )
    query = parse_qs(urlsplit(links.linkedin_url).query)
    assert query["expirationYear"] == ["2027"] and query["expirationMonth"] == ["11"]


OK = {"rubric_valid": True, "rule_exists": True}


def test_checklist_current_step_is_the_first_not_done():
    steps = checklist(
        has_achievement=True, has_rubric=True, criteria=3, unbound=1, version_state="draft", **OK
    )
    assert [s.done for s in steps] == [True, True, False, False, False]
    assert [s.current for s in steps] == [False, False, True, False, False]
    steps = checklist(
        has_achievement=True,
        has_rubric=True,
        criteria=3,
        unbound=0,
        version_state="submitted",
        **OK,
    )
    assert all(s.done for s in steps) and not any(s.current for s in steps)
    steps = checklist(
        has_achievement=False, has_rubric=False, criteria=0, unbound=0, version_state=None, **OK
    )
    assert steps[0].current and not any(s.done for s in steps)


def _done(**changes) -> dict[str, bool]:
    facts = {
        "has_achievement": True,
        "has_rubric": True,
        "criteria": 2,
        "unbound": 0,
        "version_state": "submitted",
        "rubric_valid": True,
        "rule_exists": True,
    } | changes
    return {s.key: s.done for s in checklist(**facts)}


@pytest.mark.parametrize(
    ("change", "untrue"),
    [
        ({"has_achievement": False}, {"achievement", "submit"}),
        ({"criteria": 0}, {"rubric", "line_items", "preview"}),
        # A rubric that cannot be evaluated (a pass mark above the maximum, say) is no
        # finished rubric, and nothing can be previewed with it.
        ({"rubric_valid": False}, {"rubric", "preview"}),
        ({"unbound": 1}, {"line_items", "preview"}),
        ({"version_state": "draft"}, {"submit"}),
        ({"version_state": "rejected"}, {"submit"}),
        # Submitted through a path that created no rule: the credential would never be awarded.
        ({"rule_exists": False}, {"submit"}),
    ],
)
def test_each_tick_is_false_until_its_fact_is_true(change, untrue):
    assert all(_done().values())  # every fact true: every tick
    done = _done(**change)
    assert {key for key, ticked in done.items() if not ticked} == untrue
