"""Energy API: balance as JSON and valid GeoJSON, street cells withhold small groups,
profiles, and uploads refused to users without the role."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from geojson_pydantic import FeatureCollection

from tests.energy.conftest import BAD, readings
from urbis.energy.models import EnergyUpload
from urbis.engines.energy import list_files
from urbis.people import services as people


@pytest.fixture(scope="module")
def stored_dir(tmp_path_factory: Any, django_db_blocker: Any) -> Path:
    """One store for the whole module (reads only): 12 meters and a PV producer in one street
    block of B07 (one cell) and 3 meters in B02 (withheld)."""
    from urbis.energy import engine
    from urbis.engines.energy import ingest_file
    from urbis.places.models import City

    folder = tmp_path_factory.mktemp("energy-api")
    data = folder / "data"
    with django_db_blocker.unblock():
        index = engine.area_index(City.objects.get(code="barcelona"))
    for name, text in (
        ("a.csv", readings()),
        ("b.csv", readings(meters=3, area="B02", lon=2.1770, lat=41.3830, prefix="g",
                           pv=False)),
    ):
        (folder / name).write_text(text, encoding="utf-8")
        report = ingest_file(folder / name, city="barcelona", areas=index, data_dir=data)
        assert report.status == "stored", report.errors
    return data


@pytest.fixture
def stored(barcelona: Any, settings: Any, stored_dir: Path) -> None:
    from urbis.energy import engine

    settings.DATA_DIR = stored_dir
    engine.forget(barcelona)


def test_balance_json_per_level(client: Any, stored: None) -> None:
    data = client.get("/api/v1/cities/barcelona/energy/balance?level=neighbourhood").json()
    assert data["year"] == 2025 and data["years"] == [2025]
    rows = {r["code"]: r for r in data["items"]}
    assert len(rows) == 73
    assert rows["B07"]["production_kwh"] > 0 and 0 < rows["B07"]["self_sufficiency"] < 1
    assert rows["B02"]["production_kwh"] == 0 and rows["B02"]["self_sufficiency"] == 0
    assert rows["B01"]["consumption_kwh"] is None
    city = client.get("/api/v1/cities/barcelona/energy/balance?level=city").json()["items"][0]
    assert city["consumption_kwh"] == pytest.approx(
        rows["B07"]["consumption_kwh"] + rows["B02"]["consumption_kwh"], abs=0.2
    )
    june = client.get("/api/v1/cities/barcelona/energy/balance?level=city&month=6").json()
    assert june["items"][0]["consumption_kwh"] == pytest.approx(city["consumption_kwh"], abs=0.2)
    empty = client.get("/api/v1/cities/barcelona/energy/balance?level=city&month=1").json()
    assert empty["items"][0]["consumption_kwh"] is None


def test_geojson_layers_are_valid(client: Any, stored: None) -> None:
    for level in ("street", "neighbourhood", "district", "city"):
        for measure in ("consumption", "production", "balance", "self_sufficiency"):
            response = client.get(
                "/api/v1/cities/barcelona/energy/balance?format=geojson"
                f"&level={level}&measure={measure}"
            )
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/geo+json")
            body = json.loads(response.content)
            FeatureCollection.model_validate(body)
            assert body["features"], level
            assert all("value" in f["properties"] for f in body["features"])
            assert body["properties"]["measure"] == measure


def test_street_cells_never_show_fewer_than_ten_connections(client: Any, stored: None) -> None:
    body = client.get("/api/v1/cities/barcelona/energy/street-cells").json()
    assert [f["properties"]["connections"] for f in body["features"]] == [13]
    assert body["properties"]["withheld_meters"] == 3
    assert body["properties"]["min_connections"] == 10


def test_profile_and_area_balance(client: Any, stored: None) -> None:
    profile = client.get(
        "/api/v1/cities/barcelona/energy/areas/B07/profile?year=2025&week=23"
    ).json()
    assert len(profile["hours"]) == 168 and profile["start"] == "2025-06-02T00:00+02:00"
    assert profile["time_zone"] == "Europe/Madrid"
    assert profile["hours"][:2] == ["2025-06-02T00:00+02:00", "2025-06-02T01:00+02:00"]
    assert sum(profile["production_kwh"]) > 0 and profile["production_is_estimate"] is False
    district = client.get("/api/v1/cities/barcelona/energy/areas/D02/profile?week=23").json()
    assert district["consumption_kwh"] == profile["consumption_kwh"]
    area = client.get("/api/v1/cities/barcelona/energy/areas/B07/balance").json()
    assert area["years"][0]["year"] == 2025 and area["years"][0]["sectors"]
    assert client.get("/api/v1/cities/barcelona/energy/areas/NOPE/balance").status_code == 404
    # The year's figures per household and per m² use the demo's census and cadastre figures.
    year = area["years"][0]
    from urbis.places.models import Area

    b07 = Area.objects.get(city__code="barcelona", code="B07")
    assert year["households"] == b07.households and year["floor_area_m2"] == b07.floor_area_m2
    assert year["consumption_per_m2_kwh"] == pytest.approx(
        year["total"]["consumption_kwh"] / b07.floor_area_m2, abs=0.01
    )
    page = client.get("/cities/barcelona/energy/areas/B07/").content.decode()
    assert "Consumption per m² of floor area" in page and "Consumption per household" in page
    # The week's hours are labelled by Madrid's clock, and the page says so.
    assert "Hours are by the city's clock (Europe/Madrid)." in page


def test_bad_parameters_are_problems(client: Any, stored: None) -> None:
    response = client.get("/api/v1/cities/barcelona/energy/balance?level=planet")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_unpublished_city_is_hidden_from_anonymous(client: Any, barcelona: Any,
                                                   stored: None) -> None:
    barcelona.is_published = False
    barcelona.save()
    assert client.get("/api/v1/cities/barcelona/energy/balance").status_code == 404
    assert client.get("/cities/barcelona/energy/").status_code == 404


def _file(text: str, name: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_api_upload_refused_without_the_role(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, role: Any
) -> None:
    user = make_user(role, barcelona) if role else None
    response = client_for(user).post(
        "/api/v1/cities/barcelona/energy/uploads", {"file": _file(readings(1, 2), "x.csv")}
    )
    assert response.status_code in ({401, 403} if user is None else {403})
    assert not EnergyUpload.objects.exists()


def test_api_upload_with_token_bad_then_good(
    barcelona: Any, make_user: Any, energy_dir: Path, inline_jobs: None, client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    editor = make_user("editor", barcelona)
    token = people.issue_api_token(user=editor, label="meters")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/cities/barcelona/energy/uploads",
                               {"file": _file(BAD, "bad.csv")}, **auth)
    assert response.status_code == 202
    status = client.get(response.json()["url"], **auth).json()
    assert status["status"] == "rejected" and status["errors"][0]["row"] >= 2
    assert list_files(energy_dir, "barcelona") == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/cities/barcelona/energy/uploads",
                               {"file": _file(readings(2, 4), "ok.csv")}, **auth)
    status = client.get(response.json()["url"], **auth).json()
    assert status["status"] == "stored" and status["rows"] == 2 * 4 + 4
    assert client.get(response.json()["url"]).status_code in {401, 403}


def test_city_and_area_pages_link_to_energy(client: Any, stored: None) -> None:
    city = client.get("/cities/barcelona/").content.decode()
    assert "/cities/barcelona/energy/" in city and "Smart Energy Map" in city
    assert "/energy/upload/" not in city  # only editors see the upload link
    area = client.get("/cities/barcelona/areas/B07/").content.decode()
    assert "Energy balance 2025" in area and "/cities/barcelona/energy/areas/B07/" in area
    # An area without readings gets no energy section.
    assert "Energy balance" not in client.get("/cities/barcelona/areas/B01/").content.decode()


def test_map_page_renders_every_level_and_measure(client: Any, stored: None) -> None:
    for level in ("street", "neighbourhood", "district", "city"):
        for measure in ("consumption", "self_sufficiency"):
            page = client.get(f"/cities/barcelona/energy/?level={level}&measure={measure}")
            assert page.status_code == 200
            assert 'id="energy-table"' in page.content.decode()
    page = client.get("/cities/barcelona/energy/areas/B07/?year=2025&week=23")
    assert page.status_code == 200 and 'id="profile-data"' in page.content.decode()


def test_months_follow_the_city_clock(client: Any, barcelona: Any, energy_dir: Path) -> None:
    """Barcelona's months are Madrid's: 2025-06-30 22:00 UTC is already July 1st there."""
    from urbis.energy import engine
    from urbis.engines.energy import ingest_file

    assert barcelona.time_zone == "Europe/Madrid"
    header = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code;resolution"
    lines = [
        "t1;2025-06-30T21:00:00Z;1;kWh;consumption;residential;electricity;B07;hourly",
        "t1;2025-06-30T22:00:00Z;2;kWh;consumption;residential;electricity;B07;hourly",
    ]
    path = energy_dir / "boundary.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    index = engine.area_index(barcelona)
    assert ingest_file(path, city="barcelona", areas=index, data_dir=energy_dir).ok
    engine.forget(barcelona)
    url = "/api/v1/cities/barcelona/energy/balance?level=neighbourhood&year=2025&month={}"
    june = {r["code"]: r for r in client.get(url.format(6)).json()["items"]}
    july = {r["code"]: r for r in client.get(url.format(7)).json()["items"]}
    assert june["B07"]["consumption_kwh"] == pytest.approx(1.0)
    assert july["B07"]["consumption_kwh"] == pytest.approx(2.0)


def test_a_week_that_changes_clocks_has_167_hours(client: Any, stored: None) -> None:
    """Summer time began on Sunday 30 March 2025 in Madrid: ISO week 13 is an hour short."""
    profile = client.get(
        "/api/v1/cities/barcelona/energy/areas/B07/profile?year=2025&week=13"
    ).json()
    assert len(profile["hours"]) == 167
    assert profile["hours"][0] == "2025-03-24T00:00+01:00"
    assert profile["hours"][-1] == "2025-03-30T23:00+02:00"
    assert "2025-03-30T02:00+01:00" not in profile["hours"]


def test_local_period_bounds_in_utc() -> None:
    from urbis.energy.engine import local_period

    year, parts = local_period("Europe/Madrid", 2024)
    assert "'2023-12-31 23:00:00'" in year and "'2024-12-31 23:00:00'" in year
    assert parts == [2023, 2024]
    june, parts = local_period("Europe/Madrid", 2024, 6, column="r.ts")
    assert june == (
        "r.ts >= CAST('2024-05-31 22:00:00' AS TIMESTAMP) "
        "AND r.ts < CAST('2024-06-30 22:00:00' AS TIMESTAMP)"
    )
    assert parts == [2024]
    assert local_period("UTC", 2024, 12)[1] == [2024]


def test_daily_totals_follow_local_days() -> None:
    from urbis.energy.queries import daily_totals

    hours = [f"2025-03-29T{h:02d}:00+01:00" for h in range(24)]
    hours += [f"2025-03-30T{h:02d}:00+01:00" for h in range(2)]
    hours += [f"2025-03-30T{h:02d}:00+02:00" for h in range(3, 24)]
    profile = {
        "hours": hours,
        "consumption_kwh": [1.0] * len(hours),
        "production_kwh": [0.5] * len(hours),
    }
    days = daily_totals(profile)
    assert [(d["day"], d["hours"]) for d in days] == [("2025-03-29", 24), ("2025-03-30", 23)]
    assert days[1]["consumption"] == 23.0 and days[1]["self_sufficiency"] == 0.5


def test_balance_as_csv_has_the_json_figures(client: Any, stored: None) -> None:
    import csv

    url = "/api/v1/cities/barcelona/energy/balance?level=neighbourhood&month=6"
    response = client.get(url + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="energy-balance-barcelona-neighbourhood-2025-06.csv"' in (
        response["Content-Disposition"]
    )
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    items = {r["code"]: r for r in client.get(url).json()["items"]}
    assert len(table) == len(items) == 73
    assert list(table[0])[:7] == ["city", "level", "year", "month", "sector", "carrier", "code"]
    for row in table:
        assert (row["city"], row["year"], row["month"]) == ("barcelona", "2025", "6")
        expected = items[row["code"]]
        for field in ("consumption_kwh", "production_kwh", "self_sufficiency", "households"):
            value = expected[field]
            assert row[field] == ("" if value is None else str(value)), (row["code"], field)
    gas = client.get(url + "&format=csv&carrier=gas&sector=residential")
    assert 'energy-balance-barcelona-neighbourhood-2025-06-residential-gas.csv' in (
        gas["Content-Disposition"]
    )


def test_csv_refuses_street_level_and_unknown_formats(client: Any, stored: None) -> None:
    base = "/api/v1/cities/barcelona/energy/balance"
    street = client.get(base + "?level=street&format=csv")
    assert street.status_code == 422 and "GeoJSON only" in street.json()["detail"]
    xml = client.get(base + "?format=xml")
    assert xml.status_code == 422 and "json, geojson or csv" in xml.json()["detail"]


def test_per_m2_follows_imported_floor_area(
    client: Any, stored: None, barcelona: Any, tmp_path: Path
) -> None:
    """Floor areas imported after the balance was cached are used at once; a district
    without its own figure gets the sum of its neighbourhoods only when all of them know it."""
    from urbis.places.models import Area
    from urbis.places.services import import_floor_area

    url = "/api/v1/cities/barcelona/energy/balance?level=neighbourhood"
    before = {r["code"]: r for r in client.get(url).json()["items"]}  # cached from here on
    district = Area.objects.get(city=barcelona, code="B07").parent
    siblings = list(district.children.values_list("code", flat=True))
    path = tmp_path / "floor.csv"
    # The district's own figure is cleared, so that it becomes the sum of its barris.
    path.write_text(
        f"code,floor_area_m2,reference_date,source\n{district.code},,,\n"
        + "".join(f"{c},{1000 + i},2024-01-01,test\n" for i, c in enumerate(sorted(siblings)))
    )
    import_floor_area(path, city=barcelona)
    after = {r["code"]: r for r in client.get(url).json()["items"]}
    b07 = after["B07"]
    floor = Area.objects.get(city=barcelona, code="B07").floor_area_m2
    assert b07["floor_area_m2"] == floor != before["B07"]["floor_area_m2"]
    assert b07["consumption_per_m2_kwh"] == pytest.approx(b07["consumption_kwh"] / floor, abs=0.01)
    districts = client.get(url.replace("neighbourhood", "district")).json()["items"]
    row = next(r for r in districts if r["code"] == district.code)
    assert row["floor_area_m2"] == pytest.approx(sum(1000 + i for i in range(len(siblings))))
    assert row["consumption_per_m2_kwh"] == pytest.approx(
        row["consumption_kwh"] / row["floor_area_m2"], abs=0.01
    )
    page = client.get("/cities/barcelona/energy/?level=neighbourhood").content.decode()
    assert "per m² of floor area" in page


def test_households_imported_after_caching_are_used(
    client: Any, stored: None, barcelona: Any, tmp_path: Path
) -> None:
    """A district's households are the sum over its neighbourhoods once all of them know
    theirs, even when the balance was cached before the import."""
    from urbis.places.models import Area
    from urbis.places.services import import_population

    url = "/api/v1/cities/barcelona/energy/balance?level=district"
    district = Area.objects.get(city=barcelona, code="B07").parent
    row = next(r for r in client.get(url).json()["items"] if r["code"] == district.code)
    siblings = sorted(district.children.values_list("code", flat=True))
    assert row["households"] != sum(16000 + i for i in range(len(siblings)))
    path = tmp_path / "population.csv"
    # The district's own figure is cleared, so that it becomes the sum of its barris.
    path.write_text(
        f"code,population,households,reference_date,source\n{district.code},,,,\n"
        + "".join(f"{c},40000,{16000 + i},2024-01-01,test\n" for i, c in enumerate(siblings))
    )
    import_population(path, city=barcelona)
    row = next(r for r in client.get(url).json()["items"] if r["code"] == district.code)
    assert row["households"] == sum(16000 + i for i in range(len(siblings)))
    assert row["consumption_per_household_kwh"] == pytest.approx(
        row["consumption_kwh"] / row["households"], abs=0.05
    )


def test_map_page_offers_the_table_as_csv(client: Any, stored: None) -> None:
    page = client.get("/cities/barcelona/energy/?level=district&year=2025&month=6").content
    html = page.decode()
    assert "format=csv" in html and "level=district" in html
    link = html.split('href="', )[1:]
    csv_href = next(h.split('"')[0] for h in link if "format=csv" in h).replace("&amp;", "&")
    response = client.get(csv_href)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().count("\n") == 1 + 10
    street = client.get("/cities/barcelona/energy/?level=street").content.decode()
    assert "format=csv" not in street


def test_street_page_says_how_many_meters_it_leaves_out(client: Any, stored: None) -> None:
    street = client.get("/cities/barcelona/energy/?level=street").content.decode()
    assert "3 meters in smaller groups are not shown." in street
    french = client.get("/cities/barcelona/energy/?level=street",
                        headers={"accept-language": "fr"}).content.decode()
    assert "3 compteurs appartenant à des groupes plus petits ne sont pas affichés." in french
