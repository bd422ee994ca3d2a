"""Grade rules of a scored inspection (工程施工查核小組作業辦法): the mean rounded half up, the
grade bands, the automatic 丙等 and the share of external experts, as properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yankao.works import rules

scores = st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=9)
trigger_sets = st.builds(
    rules.Triggers,
    concrete_core_failed=st.booleans(),
    asphalt_core_failed=st.booleans(),
    compaction_failed=st.booleans(),
    structural_deviation=st.booleans(),
    serious_safety_defect=st.booleans(),
)


@given(scores)
def test_final_score_is_the_mean_rounded_half_up(values: list[int]) -> None:
    mean = Fraction(sum(values), len(values))
    score = rules.final_score(values)
    assert min(values) <= score <= max(values)
    assert abs(Fraction(score) - mean) <= Fraction(1, 2)
    if mean - int(mean) == Fraction(1, 2):
        assert score == int(mean) + 1  # half up, never to even


@pytest.mark.parametrize(
    ("values", "score"),
    [([88, 89], 89), ([85, 86, 86, 86], 86), ([69, 70], 70), ([79, 80], 80), ([100], 100)],
)
def test_final_score_examples(values: list[int], score: int) -> None:
    assert rules.final_score(values) == score


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (89, "a"),
        (80, "a"),
        (79, "b"),
        (70, "b"),
        (69, "c"),
        (0, "c"),
    ],
)
def test_grade_bands(score: int, grade: str) -> None:
    assert rules.grade_of(score) == grade


@given(st.integers(min_value=0, max_value=100))
def test_grades_never_improve_as_the_score_falls(score: int) -> None:
    order = ["c", "b", "a", "excellent"]
    if score > 0:
        assert order.index(rules.grade_of(score - 1)) <= order.index(rules.grade_of(score))


def test_grade_bands_come_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YANKAO_WORKS_GRADE_BANDS = ["excellent:95", "a:85", "b:75", "c:0"]
    assert rules.grade_of(90) == "a"
    assert rules.grade_of(74) == "c"


@given(scores, trigger_sets)
def test_a_failed_test_or_serious_finding_makes_it_grade_c(
    values: list[int], triggers: rules.Triggers
) -> None:
    score, grade = rules.judged(values, triggers)
    if triggers.any:
        assert grade == "c"
        assert score == min(rules.final_score(values), 69)
    else:
        assert (score, grade) == (rules.final_score(values), rules.grade_of(score))


@given(st.integers(min_value=1, max_value=30), st.data())
def test_a_third_of_external_members_is_enough(members: int, data: st.DataObject) -> None:
    external = data.draw(st.integers(min_value=0, max_value=members))
    assert rules.enough_external(members, external) == (3 * external >= members)
    assert not rules.enough_external(0, 0)
