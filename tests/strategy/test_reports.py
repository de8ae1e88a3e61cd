"""Progress reports: their content, their formats, and that a published one never changes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.strategy.conftest import observe
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import Action, ProgressReport, Strategy, Target


def _publish(strategy: Strategy, **kw: Any) -> ProgressReport:
    return services.publish_report(
        by=None, strategy=strategy, period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31), **kw,
    )


def test_report_says_what_was_planned_done_and_moved(
    strategy: Strategy, target: Target, action: Action, barcelona: City
) -> None:
    observe(barcelona, "urbis-ghg-emissions", 2019, 3.6)
    observe(barcelona, "urbis-ghg-emissions", 2020, 3.0)
    content = _publish(strategy).content
    assert [p["action"] for p in content["planned"]] == ["Solar roofs"]
    assert content["planned"][0]["milestones_due"][0]["title"] == "Survey"
    assert content["done"] == []  # the survey was done in 2019, before the period
    moved = content["targets"][0]
    assert moved["from"]["value"] == 3.6 and moved["to"]["value"] == 3.0
    assert moved["change"] == pytest.approx(-0.6)
    assert content["summary"]["targets_moved"] == 1


def test_published_report_never_changes(
    strategy: Strategy, target: Target, action: Action, barcelona: City,
    client_for: Callable[..., Any],
) -> None:
    observe(barcelona, "urbis-ghg-emissions", 2020, 3.0)
    report = _publish(strategy, title="2020")
    frozen = json.dumps(report.content, sort_keys=True)
    # Later data and edits...
    observe(barcelona, "urbis-ghg-emissions", 2020, 1.0)
    services.save_target(by=None, strategy=strategy, target=target, title="Renamed",
                         target_value=1.0)
    services.save_action(by=None, strategy=strategy, action=action, status="cancelled")
    # ...leave the stored report and every format of it as published.
    stored = ProgressReport.objects.get(pk=report.pk)
    assert json.dumps(stored.content, sort_keys=True) == frozen
    base = f"/cities/barcelona/strategy/climate/reports/{report.pk}/"
    as_json = client_for(None).get(base + "report.json").json()
    assert as_json["targets"][0]["target"] == "Halve emissions by 2030"
    assert as_json["targets"][0]["to"]["value"] == 3.0
    page = client_for(None).get(base).content.decode()
    assert "Halve emissions by 2030" in page and "Renamed" not in page
    # The record itself refuses to be rewritten.
    stored.title = "Rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        stored.save()
    assert ProgressReport.objects.get(pk=report.pk).title == "2020"


def test_report_formats(strategy: Strategy, target: Target, action: Action,
                        client_for: Callable[..., Any]) -> None:
    report = _publish(strategy)
    base = f"/cities/barcelona/strategy/climate/reports/{report.pk}/"
    client = client_for(None)
    pdf = client.get(base + "report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv_text = client.get(base + "report.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("section,item,detail,status")
    assert "Solar roofs" in csv_text
    assert client.get(base + "report.json").json()["id"] == report.pk


def test_report_period_is_checked(strategy: Strategy) -> None:
    with pytest.raises(ValidationError):
        services.publish_report(by=None, strategy=strategy, period_start=dt.date(2021, 1, 1),
                                period_end=dt.date(2020, 1, 1))
    assert not ProgressReport.objects.exists()


def test_publishing_a_report_needs_an_editor(
    strategy: Strategy, make_user: Callable[..., Any], barcelona: City,
    client_for: Callable[..., Any],
) -> None:
    body = {"period_start": "2020-01-01", "period_end": "2020-12-31"}
    url = "/api/v1/cities/barcelona/strategies/climate/reports"
    member = client_for(make_user("member", barcelona))
    assert member.post(url, json.dumps(body), content_type="application/json").status_code == 403
    page = member.post("/cities/barcelona/strategy/climate/reports/", body)
    assert page.status_code == 403
    editor = client_for(make_user("editor", barcelona))
    assert editor.post(url, json.dumps(body), content_type="application/json").status_code == 201
    assert ProgressReport.objects.count() == 1
