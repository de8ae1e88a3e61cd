"""API and pages: anonymous users read published stored runs; every write needs the editor role."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from urbis.scenarios import services
from urbis.scenarios.models import Inventory, ScenarioRun

from .conftest import CSV

pytestmark = pytest.mark.django_db


def _csv(text: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = "bei.csv"
    return handle


def test_read_published_run_anonymously(scenario: Any, client_for: Any) -> None:
    client = client_for(None)
    assert client.get("/api/v1/cities/barcelona/scenarios/pla-clima/run").status_code == 404
    services.run_scenario(None, scenario, samples=200, seed=1, operator=True)
    body = client.get("/api/v1/cities/barcelona/scenarios/pla-clima/run").json()
    assert body["seed"] == 1 and body["result"]["unit"] == "t CO2"
    listed = client.get("/api/v1/cities/barcelona/scenarios").json()
    assert [s["slug"] for s in listed] == ["pla-clima"]
    page = client.get("/cities/barcelona/scenarios/pla-clima/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Modelled figures." in text and "Illustrative inventory:" in text
    assert 'id="scenario-chart"' in text and "<table" in text
    assert "Marginal abatement cost curve (modelled)" in text
    assert "Inventory 2020: emissions by sector and carrier" in text


def test_unpublished_scenario_is_hidden_from_anonymous(scenario: Any, client_for: Any,
                                                       make_user: Any, barcelona: Any) -> None:
    scenario.is_published = False
    scenario.save()
    assert client_for(None).get("/cities/barcelona/scenarios/pla-clima/").status_code == 404
    editor = client_for(make_user("editor", barcelona))
    assert editor.get("/cities/barcelona/scenarios/pla-clima/").status_code == 200


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_api_run_refused_without_the_role(scenario: Any, client_for: Any, make_user: Any,
                                          barcelona: Any, role: Any) -> None:
    user = make_user(role, barcelona) if role else None
    response = client_for(user).post("/api/v1/cities/barcelona/scenarios/pla-clima/runs",
                                     {"samples": 10}, content_type="application/json")
    assert response.status_code in ({401, 403} if user is None else {403})
    assert not ScenarioRun.objects.exists() and not DBTaskResult.objects.exists()




@pytest.mark.parametrize("role", [None, "member"])
def test_api_inventory_import_refused_without_the_role(barcelona: Any, client_for: Any,
                                                       make_user: Any, role: Any) -> None:
    user = make_user(role, barcelona) if role else None
    response = client_for(user).post("/api/v1/cities/barcelona/inventories/2019",
                                     {"file": _csv(CSV)})
    assert response.status_code in ({401, 403} if user is None else {403})
    assert not Inventory.objects.exists()


def test_api_inventory_import_by_an_editor_all_or_nothing(barcelona: Any, client_for: Any,
                                                          make_user: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    bad = client.post("/api/v1/cities/barcelona/inventories/2019",
                      {"file": _csv(CSV + "nowhere,electricity,1,x\n")})
    assert bad.status_code == 422
    assert "unknown sector 'nowhere'" in bad.content.decode()
    assert not Inventory.objects.exists()
    ok = client.post("/api/v1/cities/barcelona/inventories/2019", {"file": _csv(CSV)})
    assert ok.status_code == 201 and ok.json() == {"kind": "bei", "year": 2019, "rows": 5}
    got = client.get("/api/v1/cities/barcelona/inventories/2019.csv")
    assert got.status_code == 200 and got.content.decode().startswith("sector,carrier")


@pytest.mark.parametrize("role", [None, "member"])
def test_page_run_refused_without_the_role(scenario: Any, client_for: Any, make_user: Any,
                                           barcelona: Any, role: Any) -> None:
    user = make_user(role, barcelona) if role else None
    response = client_for(user).post("/cities/barcelona/scenarios/pla-clima/run")
    assert response.status_code in ({302, 403} if user is None else {403})
    if user is None:
        assert "/login" in response["Location"] or "login" in response["Location"]
    assert not ScenarioRun.objects.exists() and not DBTaskResult.objects.exists()


def test_page_shows_the_targets_and_the_run_button_to_an_editor(
        scenario: Any, client_for: Any, make_user: Any, barcelona: Any) -> None:
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    client = client_for(make_user("editor", barcelona))
    page = client.get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert "Compute and store a new run" in page and "−30 % by 2030" in page


def test_page_is_served_from_the_stored_run_in_few_queries(scenario: Any, client_for: Any,
                                                           strategy: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from urbis.strategy.models import Action

    for m in scenario.measures.all():
        m.action = Action.objects.create(strategy=strategy, title=f"Acció {m.name}")
        m.save()
    services.run_scenario(None, scenario, samples=100, seed=1, operator=True)
    client = client_for(None)
    client.get("/cities/barcelona/scenarios/pla-clima/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/cities/barcelona/scenarios/pla-clima/")
    assert page.status_code == 200 and "Acció Solar" in page.content.decode()
    sql = [q["sql"] for q in ctx.captured_queries]
    # No query per measure, and a city's boundary GeoJSON is never read for the links.
    # The same for any number of measures; one of them reads the city's monitoring inventories
    # (none here; with some, their rows and the factors: a fixed number too, tested in
    # test_monitoring_inventories).
    assert len(sql) <= 9, sql
    assert not any('"boundary"' in s for s in sql if "scenarios_measure" in s)
    assert ScenarioRun.objects.count() == 1  # reading computed nothing


def test_action_page_shows_the_modelled_contribution(scenario: Any, client_for: Any,
                                                     strategy: Any) -> None:
    from urbis.strategy.models import Action

    action = Action.objects.create(strategy=strategy, title="Pla de rehabilitació")
    m = scenario.measures.get(name="Rehabilitació")
    m.action = action
    m.save()
    client = client_for(None)
    assert "Quantified contribution" not in client.get(action.get_absolute_url()).content.decode()
    run = services.run_scenario(None, scenario, samples=100, seed=1, operator=True)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Quantified contribution (modelled)" in page and "Rehabilitació" in page
    wedge = next(w for w in run.result["wedges"] if w["name"] == "Rehabilitació")
    assert f"{wedge['cumulative_t']:,.0f}" in page


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_inventory_page_refused_without_the_role(barcelona: Any, client_for: Any,
                                                 make_user: Any, role: Any) -> None:
    user = make_user(role, barcelona) if role else None
    client = client_for(user)
    url = "/cities/barcelona/scenarios/inventory/"
    response = client.post(url, {"year": "2019", "file": _csv(CSV)})
    assert response.status_code in ({302} if user is None else {403})
    assert not Inventory.objects.exists()


def test_inventory_page_by_an_editor_all_or_nothing(barcelona: Any, client_for: Any,
                                                    make_user: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    url = "/cities/barcelona/scenarios/inventory/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"year": "2019", "file": _csv(CSV + "industry,peat,1,x\n")})
    assert bad.status_code == 422
    assert "bei.csv, row 7, field &#x27;carrier&#x27;: unknown carrier &#x27;peat&#x27;" in \
        bad.content.decode()
    assert not Inventory.objects.exists()
    ok = client.post(url, {"year": "2019", "file": _csv(CSV), "source": "test"})
    assert ok.status_code == 302
    assert Inventory.objects.get(year=2019).rows.count() == 5


def test_monitoring_observations_beside_the_modelled_lines(scenario: Any, client_for: Any,
                                                           strategy: Any) -> None:
    import datetime as dt
    import json

    from urbis.strategy.models import Observation

    indicator = strategy.targets.get().indicator
    Observation.objects.create(indicator=indicator, city=scenario.city, date=dt.date(2020, 12, 31),
                               value=0.95, source="published test figure")
    services.run_scenario(None, scenario, samples=100, seed=1, operator=True)
    page = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert "Observed emissions (monitoring, published)" in page and "950,000" in page
    chart = json.loads(page.split('id="scenario-chart" type="application/json">')[1]
                       .split("</script>")[0])
    assert chart["observations"] == [{"year": 2020, "t_co2": 950000.0, "unit": "Mt CO2e",
                                      "source": "published test figure"}]
