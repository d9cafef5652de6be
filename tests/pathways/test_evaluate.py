"""The pathway rule, every shape: all-of, N-of, minimum level, time window, competency counts,
expiry, and the sentences that explain them. Plain data only (pathways.evaluate is pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from pathways.evaluate import (
    ALL,
    BELOW_LEVEL,
    EXPIRED,
    HELD,
    MISSING,
    N_OF,
    OUTSIDE_WINDOW,
    Alignment,
    CompetencySpec,
    ComponentSpec,
    HeldCredential,
    LevelBound,
    PathwaySpec,
    PathwaySpecError,
    evaluate,
    validate,
)

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
NOW = T0 + timedelta(days=400)
INTERMEDIATE = LevelBound("digcomp-2-2", 3, "Intermediate 3")
ADVANCED = LevelBound("digcomp-2-2", 5, "Advanced 5")

A, B, C, D = (
    ComponentSpec(i, n) for i, n in ((1, "Search"), (2, "Create"), (3, "Safety"), (4, "Code"))
)


def held(achievement_id, *, award_id=None, days=0, codes=(), level=None, valid_until=None):
    return HeldCredential(
        award_id=award_id or achievement_id * 10,
        achievement_id=achievement_id,
        name=f"credential {achievement_id}",
        issued_at=T0 + timedelta(days=days),
        alignments=tuple(Alignment("digcomp-2-2", code, level) for code in codes),
        valid_until=valid_until,
    )


def statuses(progress):
    return [s.status for s in progress.components]


# --- all of ---------------------------------------------------------------------------------


def test_all_of_met_when_every_component_is_held():
    spec = PathwaySpec(components=(A, B, C))
    progress = evaluate(spec, [held(1), held(2), held(3)], now=NOW)
    assert progress.met
    assert (progress.done, progress.total) == (3, 3)
    assert [h.award_id for h in progress.counted] == [10, 20, 30]
    assert progress.sentences[0] == "Met: 3 of 3."
    assert "Holds “Search”." in progress.sentences


def test_all_of_one_missing_is_not_met_and_names_the_missing_one():
    spec = PathwaySpec(components=(A, B, C))
    progress = evaluate(spec, [held(1), held(3)], now=NOW)
    assert not progress.met
    assert (progress.done, progress.total, progress.missing) == (2, 3, 1)
    assert statuses(progress) == [HELD, MISSING, HELD]
    assert "Missing “Create”." in progress.sentences
    assert progress.sentences[0] == "Not met yet: 2 of 3."


def test_nothing_held_is_zero_of_n():
    progress = evaluate(PathwaySpec(components=(A, B)), [], now=NOW)
    assert (progress.met, progress.done, progress.total, progress.counted) == (False, 0, 2, ())


def test_credentials_of_other_achievements_do_not_count():
    progress = evaluate(PathwaySpec(components=(A, B)), [held(1), held(9)], now=NOW)
    assert not progress.met
    assert [h.achievement_id for h in progress.counted] == [1]


# --- N of ----------------------------------------------------------------------------------


def test_n_of_met_with_exactly_n():
    spec = PathwaySpec(components=(A, B, C, D), rule=N_OF, required=2)
    progress = evaluate(spec, [held(2), held(4)], now=NOW)
    assert progress.met
    assert (progress.done, progress.total) == (2, 2)
    assert "Any 2 of the 4 components count." in progress.sentences


def test_n_of_below_n_is_not_met():
    spec = PathwaySpec(components=(A, B, C, D), rule=N_OF, required=3)
    progress = evaluate(spec, [held(2), held(4)], now=NOW)
    assert not progress.met
    assert (progress.done, progress.total) == (2, 3)


def test_n_of_with_more_than_n_counts_every_held_component_but_caps_progress():
    spec = PathwaySpec(components=(A, B, C, D), rule=N_OF, required=2)
    progress = evaluate(spec, [held(1), held(2), held(3)], now=NOW)
    assert progress.met
    assert (progress.done, progress.total) == (2, 2)
    # All three are evidence: revoking one of them later still leaves the pathway met.
    assert len(progress.counted) == 3


# --- minimum level -------------------------------------------------------------------------


def test_min_level_met_by_a_credential_aligned_at_or_above_it():
    spec = PathwaySpec(components=(ComponentSpec(1, "Search", INTERMEDIATE),))
    assert evaluate(spec, [held(1, codes=("1.1",), level=3)], now=NOW).met
    assert evaluate(spec, [held(1, codes=("1.1",), level=6)], now=NOW).met


def test_min_level_not_met_below_it_or_without_a_level():
    spec = PathwaySpec(components=(ComponentSpec(1, "Search", INTERMEDIATE),))
    below = evaluate(spec, [held(1, codes=("1.1",), level=2)], now=NOW)
    assert not below.met
    assert statuses(below) == [BELOW_LEVEL]
    assert "Holds “Search”, but not at level Intermediate 3 or higher." in below.sentences
    no_level = evaluate(spec, [held(1, codes=("1.1",), level=None)], now=NOW)
    assert statuses(no_level) == [BELOW_LEVEL]
    no_alignment = evaluate(spec, [held(1)], now=NOW)
    assert statuses(no_alignment) == [BELOW_LEVEL]


def test_min_level_of_another_framework_does_not_count():
    spec = PathwaySpec(components=(ComponentSpec(1, "Search", LevelBound("esco", 1, "Basic")),))
    assert not evaluate(spec, [held(1, codes=("1.1",), level=8)], now=NOW).met


def test_a_later_credential_at_the_level_counts_when_an_older_one_is_below():
    spec = PathwaySpec(components=(ComponentSpec(1, "Search", ADVANCED),))
    progress = evaluate(
        spec,
        [
            held(1, award_id=11, codes=("1.1",), level=3),
            held(1, award_id=12, days=5, codes=("1.1",), level=5),
        ],
        now=NOW,
    )
    assert progress.met
    assert [h.award_id for h in progress.counted] == [12]


# --- time window ---------------------------------------------------------------------------


def test_window_met_when_all_issued_within_d_days():
    spec = PathwaySpec(components=(A, B, C), window_days=30)
    progress = evaluate(spec, [held(1), held(2, days=10), held(3, days=30)], now=NOW)
    assert progress.met
    assert "All of them issued within 30 days of each other." in progress.sentences


def test_window_not_met_when_spread_wider_and_names_the_one_outside():
    spec = PathwaySpec(components=(A, B, C), window_days=30)
    progress = evaluate(spec, [held(1), held(2, days=10), held(3, days=31)], now=NOW)
    assert not progress.met
    assert progress.done == 2
    assert OUTSIDE_WINDOW in statuses(progress)
    assert any("outside the 30-day window" in s for s in progress.sentences)


def test_window_picks_the_window_that_meets_the_n_of_rule():
    # Issued on days 0, 100, 110, 115: 3 of 4 fit in the days 100-130 window only.
    spec = PathwaySpec(components=(A, B, C, D), rule=N_OF, required=3, window_days=30)
    creds = [held(1), held(2, days=100), held(3, days=110), held(4, days=115)]
    progress = evaluate(spec, creds, now=NOW)
    assert progress.met
    assert [h.achievement_id for h in progress.counted] == [2, 3, 4]


def test_window_progress_is_the_best_window_latest_of_equals():
    spec = PathwaySpec(components=(A, B, C), window_days=5)
    progress = evaluate(spec, [held(1), held(2, days=50)], now=NOW)
    assert not progress.met
    assert progress.done == 1
    # The latest window: the person can still complete it.
    assert [h.achievement_id for h in progress.counted] == [2]


# --- competency counts ---------------------------------------------------------------------


def five_x(count=3, level=INTERMEDIATE):
    return CompetencySpec("digcomp-2-2", "5", "Problem solving", count, level)


def test_competency_count_met_by_credentials_aligned_to_the_area_at_the_level():
    spec = PathwaySpec(competencies=(five_x(),))
    creds = [
        held(1, codes=("5.1",), level=3),
        held(2, codes=("5.2",), level=4),
        held(3, codes=("5.4", "1.1"), level=5),
    ]
    progress = evaluate(spec, creds, now=NOW)
    assert progress.met
    assert (progress.done, progress.total) == (3, 3)
    assert (
        "3 of 3 credentials aligned to 5 Problem solving at level Intermediate 3 or higher."
        in progress.sentences
    )


def test_competency_count_ignores_other_areas_lower_levels_and_lookalike_codes():
    spec = PathwaySpec(competencies=(five_x(),))
    creds = [
        held(1, codes=("5.1",), level=3),
        held(2, codes=("5.2",), level=2),  # below Intermediate
        held(3, codes=("4.1",), level=5),  # another area
        held(4, codes=("55.1",), level=5),  # not area 5
        held(5, codes=("5.3",), level=None),  # no level stated
    ]
    progress = evaluate(spec, creds, now=NOW)
    assert not progress.met
    assert (progress.done, progress.total) == (1, 3)


def test_competency_of_one_competence_matches_it_exactly():
    spec = PathwaySpec(competencies=(CompetencySpec("digcomp-2-2", "5.1", "Solving", 1),))
    assert evaluate(spec, [held(1, codes=("5.1",))], now=NOW).met
    assert not evaluate(spec, [held(1, codes=("5.2",))], now=NOW).met


def test_components_and_competencies_together_count_units():
    spec = PathwaySpec(components=(A, B), competencies=(five_x(count=2),))
    creds = [held(1, codes=("5.1",), level=3), held(2), held(7, codes=("5.2",), level=4)]
    progress = evaluate(spec, creds, now=NOW)
    # A credential may count for a component and a competency requirement at once.
    assert progress.met
    assert (progress.done, progress.total) == (4, 4)
    assert sorted(h.achievement_id for h in progress.counted) == [1, 2, 7]
    missing_competency = evaluate(spec, [held(1), held(2)], now=NOW)
    assert not missing_competency.met
    assert (missing_competency.done, missing_competency.total) == (2, 4)


# --- validity ------------------------------------------------------------------------------


def test_an_expired_credential_does_not_count():
    spec = PathwaySpec(components=(A, B))
    progress = evaluate(spec, [held(1), held(2, valid_until=NOW - timedelta(days=1))], now=NOW)
    assert not progress.met
    assert statuses(progress) == [HELD, EXPIRED]
    assert "“Create” has expired." in progress.sentences
    assert evaluate(spec, [held(1), held(2, valid_until=NOW + timedelta(days=1))], now=NOW).met


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (PathwaySpec(), "at least one component"),
        (PathwaySpec(components=(A, A)), "component twice"),
        (PathwaySpec(components=(A, B), rule=N_OF, required=3), "between 1 and 2"),
        (PathwaySpec(components=(A, B), rule=N_OF, required=0), "between 1 and 2"),
        (PathwaySpec(components=(A,), rule=N_OF), "between 1 and 1"),
        (PathwaySpec(components=(A,), rule="most"), "rule must be"),
        (PathwaySpec(competencies=(five_x(count=0),)), "at least one credential"),
        (PathwaySpec(components=(A,), window_days=0), "at least one day"),
    ],
)
def test_specs_that_cannot_be_evaluated_are_refused(spec, message):
    with pytest.raises(PathwaySpecError, match=message):
        validate(spec)


def test_all_of_needs_every_component_whatever_required_says():
    spec = PathwaySpec(components=(A, B), rule=ALL, required=1)
    assert not evaluate(spec, [held(1)], now=NOW).met
