"""CSV downloads of the insight records: case studies, pilots (decision and lineage), the
current-state inventory of methods used and the participation series. Each has headers with
units and illustrative/simulated columns; anonymous readers get what the cities published, never
the rows of an unpublished city; the pages link to them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.insight.conftest import GOOD, margins
from urbis.insight import services
from urbis.insight.models import CaseStudy, HackDay, HackDayInitiative, Pilot, Replication
from urbis.places.models import City

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _header(response: Any) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def hidden(db: Any) -> City:
    return City.objects.create(code="hidden-town", name="Hidden Town", country="ES",
                               population=5000, is_published=False)


def _case(slug: str, city: City | None, **fields: Any) -> CaseStudy:
    return CaseStudy.objects.create(
        slug=slug, title=slug.replace("-", " ").title(), city=city, place_name="Somewhere",
        theme=fields.pop("theme", "energy"), problem="A problem.", what_was_done="Something.",
        results="Results, 12 % less.", sources=[{"title": "Report", "url": "https://x.org/r"}],
        **fields)


def test_case_studies_csv(barcelona: City, hidden: City) -> None:
    _case("solar-schools", barcelona, is_illustrative=True)
    _case("outside-network", None, theme="mobility")
    _case("secret-case", hidden)
    response = Client().get("/api/v1/insight/case-studies.csv")
    rows = {r["slug"]: r for r in _rows(response)}
    assert "secret-case" not in rows
    assert rows["solar-schools"]["city"] == "barcelona"
    assert rows["solar-schools"]["illustrative"] == "True"
    assert rows["outside-network"]["illustrative"] == "False"
    assert rows["outside-network"]["sources"] == "Report https://x.org/r"
    assert rows["solar-schools"]["url"] == "/insight/case-studies/solar-schools/"
    assert "illustrative" in _header(response)
    # The page's filters apply to the download too.
    only = _rows(Client().get("/api/v1/insight/case-studies.csv?theme=mobility"))
    assert [r["slug"] for r in only] == ["outside-network"]
    page = Client().get("/insight/case-studies/?theme=mobility").content.decode()
    assert 'href="/api/v1/insight/case-studies.csv?theme=mobility"' in page


def test_an_editor_of_an_unpublished_city_gets_its_case_studies(
    hidden: City, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    _case("secret-case", hidden)
    editor = make_user(role="editor", city=hidden)
    rows = _rows(client_for(editor).get("/api/v1/insight/case-studies.csv"))
    assert "secret-case" in {r["slug"] for r in rows}


def _pilot(city: City, slug: str, **fields: Any) -> Pilot:
    return Pilot.objects.create(city=city, slug=slug, title=slug.title(), theme="energy",
                                goals="Goals.", **fields)


def test_pilots_csv_with_decision_and_lineage(
    barcelona: City, paris: City, hidden: City, make_user: Callable[..., Any],
    client_for: Callable[..., Client],
) -> None:
    day = HackDay.objects.create(city=barcelona, slug="energy-hack", theme="Energy hack",
                                 held_on=dt.date(2025, 3, 1), participants=40)
    initiative = HackDayInitiative.objects.create(hack_day=day, title="Shared batteries")
    original = _pilot(barcelona, "batteries", origin=initiative, budget_eur=25_000,
                      decision=Pilot.Decision.SCALE, indicators=["kWh shared", "households"])
    copy = _pilot(paris, "batteries-paris", is_illustrative=True)
    secret = _pilot(hidden, "batteries-hidden")
    Replication.objects.create(origin=original, copy=copy, origin_title=original.title,
                               origin_city=barcelona, adopter_city=paris, is_illustrative=True)
    Replication.objects.create(origin=original, copy=secret, origin_title=original.title,
                               origin_city=barcelona, adopter_city=hidden)

    response = Client().get("/api/v1/cities/barcelona/pilots.csv")
    (row,) = _rows(response)
    assert "budget_eur" in _header(response)
    assert row["slug"] == "batteries" and row["decision"] == "scale"
    assert row["budget_eur"] == "25000"
    assert row["indicators"] == "kWh shared ; households"
    assert (row["hack_day"], row["hack_day_date"], row["hack_day_initiative"]) == (
        "Energy hack", "2025-03-01", "Shared batteries")
    # The unpublished city's copy is not named to an anonymous reader.
    assert row["adopted_by_cities"] == "paris"
    # Its adoption by Paris is an illustrative demo record, so the row says so.
    assert row["illustrative"] == "True"

    (copy_row,) = _rows(Client().get("/api/v1/cities/paris/pilots.csv"))
    assert (copy_row["adopted_from_city"], copy_row["adopted_from_pilot"]) == (
        "barcelona", "Batteries")
    assert copy_row["decision"] == "pending"

    every = _rows(Client().get("/api/v1/insight/pilots.csv"))
    assert {r["city"] for r in every} == {"barcelona", "paris"}
    assert Client().get("/api/v1/cities/hidden-town/pilots.csv").status_code == 404

    editor = make_user(role="editor", city=hidden)
    (own,) = _rows(client_for(editor).get("/api/v1/cities/hidden-town/pilots.csv"))
    assert own["adopted_from_city"] == "barcelona"
    seen = _rows(client_for(editor).get("/api/v1/cities/barcelona/pilots.csv"))
    # An editor there sees its adoption too (in the order of the adoptions).
    assert seen[0]["adopted_by_cities"] == "paris ; hidden-town"

    page = Client().get("/cities/barcelona/insight/").content.decode()
    assert 'href="/api/v1/cities/barcelona/pilots.csv"' in page
    assert 'href="/api/v1/insight/pilots.csv"' in Client().get(
        "/insight/case-studies/").content.decode()


def _survey(city: City, *, simulated: bool = False) -> Any:
    margins(city)
    now = timezone.now()
    return services.create_survey(
        by=None, operator=True, city=city, slug="attitudes", title="Attitudes",
        opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=10),
        questions=[("energy-concern.v1", True)], is_simulated=simulated)


def test_inventory_csv(bank: None, barcelona: City, hidden: City) -> None:
    _survey(barcelona, simulated=True)
    _survey(hidden)
    response = Client().get("/api/v1/cities/barcelona/insight/inventory.csv")
    rows = {r["method"]: r for r in _rows(response)}
    survey = rows["attitude-survey"]
    assert survey["recorded_by_urbis"] == "True"
    assert int(survey["uses"]) >= 1
    assert survey["last_use"] == (timezone.now() - dt.timedelta(days=1)).date().isoformat()
    assert survey["simulated"] == "True"
    assert rows["living-lab"]["recorded_by_urbis"] == "False" and rows["living-lab"]["uses"] == ""

    every = _rows(Client().get("/api/v1/insight/inventory.csv"))
    assert "hidden-town" not in {r["city"] for r in every}
    assert "barcelona" in {r["city"] for r in every}
    assert Client().get("/api/v1/cities/hidden-town/insight/inventory.csv").status_code == 404

    page = Client().get("/cities/barcelona/insight/").content.decode()
    assert 'href="/api/v1/cities/barcelona/insight/inventory.csv"' in page
    assert 'href="/api/v1/insight/inventory.csv"' in Client().get(
        "/insight/methods/").content.decode()


def test_participation_csv(
    bank: None, barcelona: City, hidden: City, make_user: Callable[..., Any]
) -> None:
    for city, simulated in ((barcelona, True), (hidden, False)):
        survey = _survey(city, simulated=simulated)
        services.submit_response(by=make_user(), survey=survey,
                                 answers={"energy-concern.v1": "3"}, **GOOD)
    response = Client().get("/api/v1/insight/participation.csv")
    header = _header(response)
    for column in ("participants_per_1000_residents", "districts_reached_percent",
                   "population_residents", "simulated", "illustrative"):
        assert column in header
    rows = _rows(response)
    assert "hidden-town" not in {r["city"] for r in rows}
    (row,) = [r for r in rows if r["city"] == "barcelona"
              and r["year"] == str(timezone.now().year) and r["survey_responses"] != "0"]
    assert row["survey_responses"] == "1"
    assert float(row["survey_responses_per_1000_residents"]) == round(
        1000 / barcelona.population, 3)
    assert row["districts_reached"] == "1" and row["districts"] == "2"
    assert row["districts_reached_percent"] == "50.0"
    assert row["simulated"] == "True"

    own = _rows(Client().get("/api/v1/cities/barcelona/insight/participation.csv"))
    assert {r["city"] for r in own} == {"barcelona"}
    assert Client().get("/api/v1/cities/hidden-town/insight/participation.csv"
                        ).status_code == 404
    assert 'href="/api/v1/insight/participation.csv"' in Client().get(
        "/insight/participation/").content.decode()
    assert 'href="/api/v1/cities/barcelona/insight/participation.csv"' in Client().get(
        "/cities/barcelona/insight/").content.decode()


def test_survey_results_csv_still_served(open_survey: Any, make_user: Callable[..., Any]) -> None:
    """The survey results download goes through the shared helper: same header as before."""
    services.submit_response(by=make_user(), survey=open_survey,
                             answers={"energy-concern.v1": "3"}, **GOOD)
    response = Client().get(f"/api/v1/cities/barcelona/surveys/{open_survey.slug}/results.csv")
    assert response.status_code == 200
    assert _header(response) == ["question", "scope", "district", "answer", "share", "low",
                                 "high", "n", "small_sample", "simulated"]


def test_an_unpublished_citys_case_study_is_nowhere_for_anonymous_readers(
    barcelona: City, hidden: City, make_user: Callable[..., Any],
    client_for: Callable[..., Client],
) -> None:
    """The list page, the detail page and the API hide it like the CSV does; its editors see it."""
    _case("solar-schools", barcelona)
    _case("secret-case", hidden, theme="secret-theme")
    anonymous = Client()
    page = anonymous.get("/insight/case-studies/").content.decode()
    assert "Solar Schools" in page and "Secret Case" not in page and "secret-theme" not in page
    assert anonymous.get("/insight/case-studies/secret-case/").status_code == 404
    assert anonymous.get("/api/v1/insight/case-studies/secret-case").status_code == 404
    assert "secret-case" not in {c["slug"] for c in
                                 anonymous.get("/api/v1/insight/case-studies").json()}
    editor = client_for(make_user(role="editor", city=hidden))
    assert editor.get("/insight/case-studies/secret-case/").status_code == 200
    assert "Secret Case" in editor.get("/insight/case-studies/").content.decode()
