"""What the insight app holds about a person (GDPR export) and how it is anonymised on deletion.

On deletion the survey answers stay in the results (they are counted and weighted) without the
account: the link is cut, so nothing left points to the person."""

from __future__ import annotations

from typing import Any

from urbis.insight.models import Answer, Response


def export(user: Any) -> dict[str, Any]:
    responses = Response.objects.filter(user=user).select_related("survey__city").defer(
        "survey__city__boundary")
    answers: dict[int, dict[str, Any]] = {}
    for a in Answer.objects.filter(response__user=user).select_related("item__version__question"):
        answers.setdefault(a.response_id, {})[a.item.version.key] = a.value
    return {
        "survey_responses": [
            {"city": r.survey.city.code, "survey": r.survey.slug,
             "created_at": r.created_at.isoformat(), "age_band": r.age_band, "sex": r.sex,
             "district": r.district, "consent": r.consent, "answers": answers.get(r.pk, {})}
            for r in responses
        ]
    }


def anonymise(user: Any) -> None:
    Response.objects.filter(user=user).update(user=None)
