"""Intake's suggestion feedback reads per-process caches: it must still store exactly what the
suggester proposes, and follow a retraining, a retired category and an alias at once."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from yankao.assistant.models import SuggestionFeedback
from yankao.assistant.services import suggestion
from yankao.assistant.tests.test_suggestion import WORDS, by_code, history, record, texts  # noqa: F401
from yankao.cases.conftest import categories  # noqa: F401
from yankao.cases.models import Category

pytestmark = pytest.mark.django_db


def test_feedback_codes_are_the_suggesters_with_keywords(by_code: dict[str, Category]) -> None:  # noqa: F811
    for text in [
        "路面有坑洞",
        "隔壁卡拉OK很吵，噪音",
        "人行道紅磚道破損",
        "沒有任何關鍵字",
        "<b>坑洞</b>",
        "",
    ]:
        outcome = suggestion.suggest(text)
        assert suggestion.suggested_codes(text) == (outcome.codes, outcome.model_version)


@pytest.fixture
def trained(history: None) -> None:  # noqa: F811
    assert suggestion.train().model is not None


@pytest.mark.usefixtures("trained")
@hsettings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    code=st.sampled_from(sorted(WORDS)),
    seed=st.integers(0, 10_000),
    district=st.sampled_from(["", "鳳山區", "苓雅區"]),
)
def test_feedback_codes_are_the_trained_models(code: str, seed: int, district: str) -> None:
    (text,) = texts(code, 1, seed)
    outcome = suggestion.suggest(text, district)
    assert outcome.method == "model"
    assert suggestion.suggested_codes(text, district) == (outcome.codes, outcome.model_version)


def test_feedback_follows_a_retraining_and_a_renamed_category(
    by_code: dict[str, Category],  # noqa: F811
    people: dict[str, Any],
    trained: None,
) -> None:
    case = record("里長說活動中心要整修", by_code["LOCAL-MISC"], people)
    suggestion.fill_feedback()
    first = SuggestionFeedback.objects.get(case=case)
    assert first.model_version == 1 and first.suggested[0] == "LOCAL-MISC"
    suggestion.train()  # saved in this process: the cache is dropped at once
    new = suggestion.supersede_category(
        by_code["LOCAL-MISC"], code="LOCAL-GENERAL", name_zh="里鄰一般事務"
    )
    case = record("里長說活動中心要整修（二）", new, people)
    suggestion.fill_feedback()
    second = SuggestionFeedback.objects.get(case=case)
    # The model still knows the old code; feedback names today's category, as suggest() does.
    assert second.model_version == 2 and second.suggested[0] == "LOCAL-GENERAL"
    assert second.suggested == suggestion.suggest("里長說活動中心要整修（二）").codes
    assert second.chosen == "LOCAL-GENERAL"


def test_the_worker_fills_feedback_once_and_training_fills_first(
    by_code: dict[str, Category],  # noqa: F811
    people: dict[str, Any],
    trained: None,
    settings: Any,
) -> None:
    made = [record(f"里長說活動中心要整修（{n}）", by_code["LOCAL-MISC"], people) for n in range(3)]
    assert not SuggestionFeedback.objects.filter(case__in=made).exists()
    assert suggestion.fill_feedback(batch=2) == 3  # in batches, every case once
    assert suggestion.fill_feedback() == 0
    late = record("里長說活動中心要整修（遲）", by_code["LOCAL-MISC"], people)
    assert suggestion.train().model is not None  # version 2 now; the late case met version 1
    assert SuggestionFeedback.objects.get(case=late).model_version == 1
    # Only cases after the newest with feedback, less the margin, are looked at.
    settings.YANKAO_SUGGEST_FEEDBACK_MARGIN = 0
    SuggestionFeedback.objects.filter(case=made[0]).delete()
    assert suggestion.fill_feedback() == 0
    settings.YANKAO_SUGGEST_FEEDBACK_MARGIN = 10
    assert suggestion.fill_feedback() == 1
