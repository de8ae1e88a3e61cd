"""Unmetered carriers on the platform: intensities and floor areas by use imported whole or not
at all (file, row, field and reason), the estimates kept in step with them and with the
readings, shown with how each was computed, and every write refused without the role."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries, services
from urbis.energy.models import EnergyIntensity, FloorAreaByUse
from urbis.engines.energy import list_files
from urbis.engines.energy.unmetered import unmetered_year
from urbis.errors import ImportRefused

INTENSITIES = (
    "sector,carrier,kwh_per_m2,reference_year,source\n"
    "residential,oil,20,2023,Published table\n"
    "commercial,heat,35.5,2022,Heat report\n"
)
FLOORS = (
    "code,sector,floor_area_m2,reference_date,source\n"
    "B07,residential,1000,2024-01-01,Cadastre\n"
    "B44,residential,500,2024-01-01,Cadastre\n"
    "B44,commercial,200,2024-01-01,Cadastre\n"
)
BAD_INTENSITIES = (
    "sector,carrier,kwh_per_m2,reference_year,source\n"
    "housing,oil,20,2023,X\n"  # row 2: not a sector
    "residential,coal,20,2023,X\n"  # row 3: not a carrier
    "residential,oil,lots,2023,X\n"  # row 4: not a number
    "residential,heat,5000,2023,X\n"  # row 5: a unit slip
    "residential,gas,10,1890,X\n"  # row 6: not a year
    "residential,biomass,10,2020,\n"  # row 7: no source
    "commercial,oil,1,2020,X\n"
    "commercial,oil,2,2020,X\n"  # row 9: given twice
)
BAD_FLOORS = (
    "code,sector,floor_area_m2,reference_date,source\n"
    "XX9,residential,10,2024-01-01,X\n"  # row 2: no such area
    "B07,residential,-5,2024-01-01,X\n"  # row 3: not above 0
    "B07,commercial,10,yesterday,X\n"  # row 4: not a date
    "B07,public,10,,X\n"  # row 5: no date
    "B44,residential,10,2024-01-01,X\n"
    "B44,residential,11,2024-01-01,X\n"  # row 7: given twice
)


def _ingest(write_file: Any, name: str, text: str) -> None:
    call_command("energy", "ingest", str(write_file(name, text)), "--city", "barcelona",
                 verbosity=0, stdout=io.StringIO())


def _stored(energy_dir: Path) -> dict[str, tuple[int, ...]]:
    return {f.source_name: f.years for f in list_files(energy_dir, "barcelona")
            if unmetered_year(f) is not None}


def _oil_kwh(city: Any, area: str) -> float | None:
    engine.forget(city)
    rows = queries.balance_table(city, level="neighbourhood", year=2025, carrier="oil")
    return next((r["consumption_kwh"] for r in rows if r["code"] == area), None)


def test_estimates_follow_inputs_and_readings(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    services.import_intensities(None, barcelona, write_file("i.csv", INTENSITIES))
    assert services.import_floor_area_by_use(None, barcelona, write_file("f.csv", FLOORS)) == 3
    assert _stored(energy_dir) == {}  # no readings yet: no year to estimate
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    assert _stored(energy_dir) == {"unmetered-estimate-2025": (2024,)}
    assert _oil_kwh(barcelona, "B07") == pytest.approx(20_000.0)
    assert _oil_kwh(barcelona, "B44") == pytest.approx(10_000.0)

    shown = queries.unmetered_estimates(barcelona, 2025)
    assert [(e.area_code, e.carrier, e.kwh) for e in shown] == [
        ("B07", "oil", 20_000.0), ("B44", "heat", 7_100.0), ("B44", "oil", 10_000.0)]
    assert "(Cadastre (2024-01-01)) × 20 kWh/m² a year of oil (Published table, 2023)" in (
        shown[0].explanation)
    # The map says how these figures were obtained.
    assert "estimated" in queries.measured.provenance(barcelona)[2025]["B44"]

    # PV estimates are refreshed without touching these, and they cannot be withdrawn.
    services.refresh_pv_estimates(barcelona)
    assert _stored(energy_dir) == {"unmetered-estimate-2025": (2024,)}
    record = next(f for f in list_files(energy_dir, "barcelona") if unmetered_year(f))
    with pytest.raises(ValidationError, match="unmetered carriers"):
        services.withdraw_file(None, barcelona, record.file_hash)

    # Metered oil in B07 replaces its estimate; B44 keeps its own.
    metered = readings(2, 24, area="B07", prefix="oil", pv=False).replace(
        ";electricity;", ";oil;")
    _ingest(write_file, "oil.csv", metered)
    assert [e.area_code for e in queries.unmetered_estimates(barcelona, 2025)
            if e.carrier == "oil"] == ["B44"]

    # Without readings, no estimate is left.
    for f in list_files(energy_dir, "barcelona"):
        if not f.estimate:
            services.withdraw_file(None, barcelona, f.file_hash)
    assert _stored(energy_dir) == {}


def test_bad_files_name_every_row_and_keep_what_was_stored(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    services.import_intensities(None, barcelona, write_file("i.csv", INTENSITIES))
    services.import_floor_area_by_use(None, barcelona, write_file("f.csv", FLOORS))
    before = _stored(energy_dir)
    with pytest.raises(ImportRefused) as refused:
        services.import_intensities(None, barcelona, write_file("bad.csv", BAD_INTENSITIES))
    assert {(e.row, e.field) for e in refused.value.errors} == {
        (2, "sector"), (3, "carrier"), (4, "kwh_per_m2"), (5, "kwh_per_m2"),
        (6, "reference_year"), (7, "source"), (9, "carrier")}
    assert all(e.file == "bad.csv" for e in refused.value.errors)
    assert "not a number: 'lots'" in str(refused.value)
    with pytest.raises(ImportRefused) as refused:
        services.import_floor_area_by_use(None, barcelona, write_file("badf.csv", BAD_FLOORS))
    assert {(e.row, e.field) for e in refused.value.errors} == {
        (2, "code"), (3, "floor_area_m2"), (4, "reference_date"), (5, "reference_date"),
        (7, "sector")}
    missing = "sector,carrier,kwh_per_m2\nresidential,oil,3\n"
    with pytest.raises(ImportRefused, match="reference_year"):
        services.import_intensities(None, barcelona, write_file("short.csv", missing))
    with pytest.raises(ImportRefused, match="not UTF-8"):
        services.import_intensities(None, barcelona, "x".encode("utf-16"), file="u16.csv")
    assert EnergyIntensity.objects.count() == 2 and FloorAreaByUse.objects.count() == 3
    assert _stored(energy_dir) == before

    with pytest.raises(CommandError, match="bad.csv, row 2, field 'sector'"):
        call_command("energy", "import-intensities", str(write_file("bad.csv", BAD_INTENSITIES)),
                     "--city", "barcelona", stderr=io.StringIO())
    assert EnergyIntensity.objects.count() == 2


def test_cli_imports_and_explains(barcelona: Any, energy_dir: Path, write_file: Any) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    out = io.StringIO()
    call_command("energy", "import-intensities", str(write_file("i.csv", INTENSITIES)),
                 "--city", "barcelona", stdout=out)
    call_command("energy", "import-floor-area-by-use", str(write_file("f.csv", FLOORS)),
                 "--city", "barcelona", stdout=out)
    assert "3 rows stored for Barcelona" in out.getvalue()
    out = io.StringIO()
    call_command("energy", "unmetered", "--city", "barcelona", "--year", "2025", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("B07") and "= 20,000 kWh, estimated" in lines[0]
    out = io.StringIO()
    call_command("energy", "files", "--city", "barcelona", stdout=out)
    assert "unmetered-estimate-2025 unmetered estimate" in out.getvalue()


def _csv_upload(name: str, text: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def test_page_is_public_and_editors_import(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, write_file: Any
) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    services.import_intensities(None, barcelona, write_file("i.csv", INTENSITIES))
    public = client_for(None).get("/cities/barcelona/energy/unmetered/")
    text = public.content.decode()
    assert public.status_code == 200 and "Published table" in text
    assert "No estimate" in text and "Replace the intensities" not in text
    assert "/cities/barcelona/energy/unmetered/" in client_for(None).get(
        "/cities/barcelona/energy/").content.decode()

    editor = client_for(make_user("editor", barcelona))
    done = editor.post("/cities/barcelona/energy/unmetered/",
                       {"form": "floor-areas", "file": _csv_upload("f.csv", FLOORS)}, follow=True)
    text = done.content.decode()
    assert "3 rows stored" in text and "3 estimates for 2025, 37.1 MWh in all (estimated)" in text
    assert "estimated: floor area (Cadastre (2024-01-01)) × intensity (Published table, 2023)" in (
        text)
    refused = editor.post("/cities/barcelona/energy/unmetered/",
                          {"form": "intensities", "file": _csv_upload("bad.csv", BAD_INTENSITIES)})
    assert refused.status_code == 422
    assert "7 errors; nothing was stored" in refused.content.decode()
    assert EnergyIntensity.objects.count() == 2


def test_api_lists_and_imports(
    barcelona: Any, make_user: Any, client: Any, energy_dir: Path, write_file: Any
) -> None:
    from urbis.people import services as people

    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    editor = make_user("editor", barcelona)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {people.issue_api_token(user=editor, label='u')}"}
    base = "/api/v1/cities/barcelona/energy"
    done = client.post(f"{base}/intensities", {"file": _csv_upload("i.csv", INTENSITIES)}, **auth)
    assert done.status_code == 200 and done.json() == {"rows": 2}
    done = client.post(f"{base}/floor-areas-by-use", {"file": _csv_upload("f.csv", FLOORS)},
                       **auth)
    assert done.json() == {"rows": 3}
    bad = client.post(f"{base}/floor-areas-by-use", {"file": _csv_upload("b.csv", BAD_FLOORS)},
                      **auth)
    assert bad.status_code == 422
    assert {(e["row"], e["field"]) for e in bad.json()["errors"]} >= {(2, "code"), (7, "sector")}

    assert [i["carrier"] for i in client.get(f"{base}/intensities").json()] == ["heat", "oil"]
    assert len(client.get(f"{base}/floor-areas-by-use").json()) == 3
    estimates = client.get(f"{base}/unmetered-estimates", {"year": 2025}).json()
    assert [(e["area"], e["carrier"], e["kwh"]) for e in estimates] == [
        ("B07", "oil", 20_000.0), ("B44", "heat", 7_100.0), ("B44", "oil", 10_000.0)]
    assert {e["how_obtained"] for e in estimates} == {"estimated"}
    assert {e["unit"] for e in estimates} == {"kWh"}
    assert client.get(f"{base}/unmetered-estimates").status_code == 422  # a year is needed


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_writes_refused_without_the_role(
    barcelona: Any, paris: Any, make_user: Any, client_for: Any, energy_dir: Path,
    write_file: Any, role: Any,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    services.import_intensities(None, barcelona, write_file("i.csv", INTENSITIES))
    user = make_user(role, barcelona) if role else None
    for who in [user, make_user("editor", paris)]:
        with pytest.raises(PermissionDenied):
            services.import_intensities(who or AnonymousUser(), barcelona,
                                        write_file("i2.csv", INTENSITIES))
        with pytest.raises(PermissionDenied):
            services.import_floor_area_by_use(who or AnonymousUser(), barcelona,
                                              write_file("f.csv", FLOORS))
        client = client_for(who)
        for form, text in (("intensities", INTENSITIES), ("floor-areas", FLOORS)):
            response = client.post("/cities/barcelona/energy/unmetered/",
                                   {"form": form, "file": _csv_upload("x.csv", text)})
            if who is None:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                assert response.status_code == 403
        for path, text in (("intensities", INTENSITIES), ("floor-areas-by-use", FLOORS)):
            response = client.post(f"/api/v1/cities/barcelona/energy/{path}",
                                   {"file": _csv_upload("x.csv", text)})
            assert response.status_code in ({401, 403} if who is None else {403})
    assert EnergyIntensity.objects.count() == 2 and not FloorAreaByUse.objects.exists()


def test_area_page_and_map_show_the_estimate_as_estimated(
    barcelona: Any, client: Any, energy_dir: Path, write_file: Any
) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    services.import_intensities(None, barcelona, write_file("i.csv", INTENSITIES))
    services.import_floor_area_by_use(None, barcelona, write_file("f.csv", FLOORS))
    import re

    text = client.get("/cities/barcelona/energy/areas/B07/").content.decode()
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    # The year's figure holds the 20 MWh of estimated oil, and the page says so.
    assert "How the figures of 2025 were obtained: estimated measured" in words
    assert re.search(r"Year 20\.\d ", words)
    rows = client.get("/api/v1/cities/barcelona/energy/balance",
                      {"level": "neighbourhood", "year": 2025, "carrier": "oil"}).json()
    b07 = next(r for r in rows["items"] if r["code"] == "B07")
    assert b07["consumption_kwh"] == pytest.approx(20_000.0)


def test_the_map_says_estimated_only_for_the_estimated_carrier(
    barcelona: Any, client: Any, energy_dir: Path, write_file: Any
) -> None:
    import re

    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    services.import_intensities(None, barcelona, write_file("i.csv", INTENSITIES))
    services.import_floor_area_by_use(None, barcelona, write_file("f.csv", FLOORS))

    def how(carrier: str) -> str:
        page = client.get("/cities/barcelona/energy/",
                          {"year": 2025, "carrier": carrier}).content.decode()
        row = re.search(r'<tr>(?:(?!</tr>).)*?/energy/areas/B07/(?:(?!</tr>).)*</tr>', page, re.S)
        assert row is not None, carrier
        cell = re.search(r'class="how-obtained">(.*?)</td>', row.group(0), re.S)
        assert cell is not None
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell.group(1))).strip()

    assert how("electricity") == "measured"
    assert how("oil") == "estimated"
    assert how("all") == "estimated measured"
