"""Strategy pages that issue 15 found wrong: status codes on report pages, chart axes."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils.html import escape

from tests.strategy.conftest import observe
from urbis.strategy import services
from urbis.strategy.models import Action, Strategy, Target


def test_report_page_shows_status_labels_not_codes(
    strategy: Strategy, target: Target, action: Action, client_for: Callable[..., Any]
) -> None:
    report = services.publish_report(
        by=None, strategy=strategy, period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31), title="2020",
    )

    def text(language: str) -> str:
        response = client_for(None).get(
            f"/cities/barcelona/strategy/climate/reports/{report.pk}/",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 200
        # Only what a reader sees: the text between tags, not class names.
        return " ".join(re.findall(r">([^<]+)<", response.content.decode()))

    english = text("en")
    assert "Solar roofs" in english and "(In progress)" in english
    assert "No data" in english  # the target has no observation
    for code in ("in_progress", "no_data", "off_track", "on_track", "at_risk"):
        assert code not in english
    french = text("fr")  # in the reader's language
    assert "(En cours)" in french and "Pas de données" in french


def _label_before(html: str, name: str) -> str:
    """The text of the last heading cell or term before the first mention of ``name``."""
    before = html[: html.index(f">{escape(name)}<")]
    labels = re.findall(r"<(?:dt|th)[^>]*>([^<]*)</(?:dt|th)>", before)
    return labels[-1]


def test_a_neighbourhood_is_not_labelled_as_a_surface(
    strategy: Strategy, target: Target, client_for: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # "Area" (a part of the city) and "Area" (a surface) were one message, and fr translates
    # it as "Superficie": a neighbourhood's name then stood under "Superficie".
    area = strategy.city.areas.get(code="B18")
    services.save_target(by=None, strategy=strategy, target=target, area=area)
    observe(strategy.city, "urbis-ghg-emissions", 2020, 3.0)
    # An editor sees the observations before they are published.
    client = client_for(make_user(role="editor", city=strategy.city))
    target_page = client.get(
        f"/cities/barcelona/strategy/climate/targets/{target.pk}/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert _label_before(target_page, area.name) != "Superficie"
    indicators_page = client.get(
        "/cities/barcelona/indicators/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    section = indicators_page[indicators_page.index("<code>urbis-ghg-emissions</code>"):]
    header = section[section.index("<thead>"):section.index("</thead>")]
    assert "<tbody><tr>" in section  # the observation is listed under that header
    assert "Superficie" not in header
    # The surface of an area keeps its own message (and its translation).
    area_page = client.get("/cities/barcelona/areas/B18/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "km²" in area_page.content.decode()


def _charts(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="strategy-charts" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_target_chart_bounds_come_from_the_targets_years_and_values(
    strategy: Strategy, target: Target, client_for: Callable[..., Any]
) -> None:
    page = f"/cities/barcelona/strategy/climate/targets/{target.pk}/"
    observe(strategy.city, "urbis-ghg-emissions", 2015, 3.6)
    observe(strategy.city, "urbis-ghg-emissions", 2020, 4.4)
    chart = _charts(client_for(None).get(page).content.decode())[str(target.pk)]
    assert chart["bounds"]["x"] == {"min": 2009, "max": 2031}  # baseline 2010, target 2030
    # Values run from 2.0 (target) to 4.4 (observed): a tenth of that range either side.
    assert chart["bounds"]["y"]["min"] == pytest.approx(1.76)
    assert chart["bounds"]["y"]["max"] == pytest.approx(4.64)

    # No observation, no baseline: only the end point is known (Chart.js made it 1900–2150).
    target.indicator.observations.all().delete()
    services.save_target(by=None, strategy=strategy, target=target, baseline_value=None,
                         baseline_year=None, target_value=2.0, target_year=2030)
    chart = _charts(client_for(None).get(page).content.decode())[str(target.pk)]
    assert chart["observed"] == [] and chart["path"] == [{"x": 2030, "y": 2.0}]
    assert chart["bounds"]["x"] == {"min": 2029, "max": 2031}
    assert chart["bounds"]["y"]["min"] < 2.0 < chart["bounds"]["y"]["max"]


def test_compare_chart_bounds_leave_every_city_inside_the_plot(
    strategy: Strategy, paris: Any, client_for: Callable[..., Any]
) -> None:
    observe(strategy.city, "urbis-ghg-emissions", 2019, 3.0)
    observe(paris, "urbis-ghg-emissions", 2019, 5.0)
    html = client_for(None).get("/compare/indicators/urbis-ghg-emissions/").content.decode()
    charts = _charts(html)
    assert len(charts["series"]) == 2
    points = [p for s in charts["series"] for p in s["data"]]
    bounds = charts["bounds"]
    assert bounds["x"]["min"] < min(p["x"] for p in points)
    assert bounds["x"]["max"] > max(p["x"] for p in points)
    assert bounds["x"]["max"] - bounds["x"]["min"] <= 3  # one year of data, not 1900–2150
    assert bounds["y"]["max"] > max(p["y"] for p in points)
    assert bounds["y"]["min"] < min(p["y"] for p in points)
