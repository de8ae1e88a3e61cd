"""An engine's refusal that reaches a person is worded by the app, in the reader's language,
from the error's code and values; the engine's own message is the developer's English
(issue 16; the rule is in CONTRIBUTING.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from urbis.engagement import services
from urbis.engagement.models import Study
from urbis.engines.survey import sus


@pytest.fixture
def usability(barcelona: Any) -> Study:
    return services.create_study(
        by=None, city=barcelona, kind=Study.Kind.USABILITY, title="Map usability",
        opens=timezone.now() - dt.timedelta(days=1), closes=timezone.now() + dt.timedelta(days=9),
        tasks=["Find your neighbourhood"],
    )


@pytest.mark.parametrize(("answers", "field", "message", "engine_message"), [
    ([3] * 9, "sus_answers", "The questionnaire has 10 items; 9 answers were given.",
     "the questionnaire has 10 items, got 9 answers"),
    ([3, 3, 3, 3, 3, 3, 3, 3, 3, 6], "sus_answers.10", "Item 10: answer from 1 to 5, not 6.",
     "must be from 1 to 5, got 6"),
    ([3, 3, 3.5, 3, 3, 3, 3, 3, 3, 3], "sus_answers.3", "Item 3: not a whole number (3.5).",
     "not a whole number: 3.5"),
])
def test_sus_refusal_is_the_app_s_sentence_not_the_engine_s(
    usability: Study, make_user: Callable[..., Any], answers: list[Any], field: str,
    message: str, engine_message: str,
) -> None:
    with pytest.raises(sus.SusAnswerError) as engine:
        sus.score(answers)
    assert engine.value.reason == engine_message
    (task,) = usability.tasks.all()
    with pytest.raises(ValidationError) as caught:
        services.submit_usability_session(by=make_user(), study=usability,
                                          results=[(task.pk, True, 30.0)], sus_answers=answers)
    assert caught.value.message_dict == {field: [message]}
