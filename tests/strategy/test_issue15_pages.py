"""Strategy pages that issue 15 found wrong: status codes on report pages, chart axes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from urbis.strategy import services
from urbis.strategy.models import Action, Strategy, Target


def _report_page(strategy: Strategy, client: Any, language: str = "en") -> str:
    report = services.publish_report(
        by=None, strategy=strategy, period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31), title="2020",
    )
    response = client.get(
        f"/cities/barcelona/strategy/climate/reports/{report.pk}/",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    # Only what a reader sees: the text between tags, not class names.
    return " ".join(re.findall(r">([^<]+)<", response.content.decode()))


def test_report_page_shows_status_labels_not_codes(
    strategy: Strategy, target: Target, action: Action, client_for: Callable[..., Any]
) -> None:
    text = _report_page(strategy, client_for(None))
    assert "Solar roofs" in text and "(In progress)" in text
    assert "No data" in text  # the target has no observation
    for code in ("in_progress", "no_data", "off_track", "on_track", "at_risk"):
        assert code not in text


@pytest.mark.parametrize(("language", "planned", "status"), [
    ("fr", "(En cours)", "Pas de données"),
])
def test_report_page_shows_status_labels_in_the_readers_language(
    language: str, planned: str, status: str, strategy: Strategy, target: Target,
    action: Action, client_for: Callable[..., Any],
) -> None:
    text = _report_page(strategy, client_for(None), language)
    assert planned in text and status in text
