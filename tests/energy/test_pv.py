"""PV installations and their estimates: registered one by one or from a CSV (all or none),
and the stored estimates kept in step with installations, commissioning years and readings."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries, services
from urbis.energy.models import PvInstallation
from urbis.engines.energy import list_files
from urbis.errors import ImportRefused
from urbis.places.models import Area


def _estimates(energy_dir: Path) -> dict[str, tuple[int, ...]]:
    return {f.source_name: f.years for f in list_files(energy_dir, "barcelona") if f.estimate}


def _estimated_kwh(city: Any, area: str, year: int = 2025) -> float:
    engine.forget(city)
    rows = queries.balance_table(city, level="neighbourhood", year=year)
    return next(r for r in rows if r["code"] == area)["estimated_production_kwh"] or 0.0


def _ingest(write_file: Any, name: str, text: str) -> None:
    call_command("energy", "ingest", str(write_file(name, text)), "--city", "barcelona",
                 verbosity=0, stdout=io.StringIO())


def test_estimates_follow_installations_and_readings(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    b44 = Area.objects.get(city=barcelona, code="B44")
    roof = services.add_pv_installation(None, b44, name="School roof", capacity_kwp=100)
    assert _estimates(energy_dir) == {}  # no readings, no year to estimate
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    assert _estimates(energy_dir) == {"pv-estimate-2025": (2024, 2025)}
    # The estimate covers the whole year: about 1,460 kWh per kWp in Barcelona (docs/ENERGY.md).
    year_kwh = _estimated_kwh(barcelona, "B44")
    assert 100 * 1_200 < year_kwh < 100 * 1_700

    # Twice the capacity, twice the estimate.
    services.add_pv_installation(None, b44, name="School roof", capacity_kwp=200)
    assert _estimated_kwh(barcelona, "B44") == pytest.approx(2 * year_kwh, rel=1e-6)

    # Metered production in the area replaces the estimate.
    _ingest(write_file, "b44.csv",
            readings(1, 48, area="B44", prefix="b", pv=True, lon=2.18, lat=41.41))
    assert _estimates(energy_dir) == {}

    # Without its metered production again, the area is estimated again.
    metered = next(f for f in list_files(energy_dir, "barcelona") if f.source_name == "b44.csv")
    services.withdraw_file(None, barcelona, metered.file_hash)
    assert _estimates(energy_dir) == {"pv-estimate-2025": (2024, 2025)}

    services.remove_pv_installation(None, roof)
    assert _estimates(energy_dir) == {}
    assert _estimated_kwh(barcelona, "B44") == 0.0


def test_an_installation_counts_from_its_commissioning_year(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    b44 = Area.objects.get(city=barcelona, code="B44")
    services.add_pv_installation(None, b44, name="New roof", capacity_kwp=100,
                                 commissioned_year=2026)
    assert _estimates(energy_dir) == {}
    services.add_pv_installation(None, b44, name="New roof", capacity_kwp=100,
                                 commissioned_year=2025)
    assert _estimates(energy_dir) == {"pv-estimate-2025": (2024, 2025)}


def test_estimates_of_a_year_without_readings_go(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    services.add_pv_installation(None, Area.objects.get(city=barcelona, code="B44"),
                                 name="Roof", capacity_kwp=50)
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    assert _estimates(energy_dir) == {"pv-estimate-2025": (2024, 2025)}
    only = next(f for f in list_files(energy_dir, "barcelona") if not f.estimate)
    services.withdraw_file(None, barcelona, only.file_hash)
    assert list_files(energy_dir, "barcelona") == []


def test_a_year_is_the_citys_own_not_the_utc_year(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    """Readings from midnight on 1 January in Madrid start at 23:00 UTC the day before: that
    hour must not make 2024 a year with readings, nor the estimate miss 2025's first hour."""
    from tests.energy.conftest import HEADER

    lines = [HEADER]
    for hour in range(26):
        ts = (dt.datetime(2024, 12, 31, 23, tzinfo=dt.UTC) + dt.timedelta(hours=hour))
        lines.append(f"m1;{ts:%Y-%m-%dT%H:%M:%SZ};0,5;kWh;consumption;residential;electricity;"
                     "B07;;")
    services.add_pv_installation(None, Area.objects.get(city=barcelona, code="B44"),
                                 name="Roof", capacity_kwp=50)
    _ingest(write_file, "new-year.csv", "\n".join(lines) + "\n")
    # The map and the API offer 2025 only.
    assert queries.years(barcelona) == [2025]
    stored = [f for f in list_files(energy_dir, "barcelona") if f.estimate]
    assert [f.source_name for f in stored] == ["pv-estimate-2025"]
    # The estimate runs over Madrid's 2025: from 23:00 UTC on 31 December 2024 (a full
    # year of 8,760 hours), so that it ends before Madrid's 2026 begins.
    assert stored[0].first_ts == "2024-12-31 23:00:00"
    assert stored[0].last_ts == "2025-12-31 22:00:00"
    assert stored[0].rows == 8_760


GOOD = """code,name,capacity_kwp,commissioned_year,source
B44,School roof,120,2021,Municipal register
B44,Market roof,"35,5",,
B02,Library,60,2019,Municipal register
"""


def test_import_registers_and_updates(barcelona: Any, energy_dir: Path, write_file: Any) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    assert services.import_pv_installations(None, barcelona, write_file("pv.csv", GOOD)) == 3
    kwp = {(p.area.code, p.name): p.capacity_kwp for p in queries.pv_installations(barcelona)}
    assert kwp == {("B02", "Library"): 60, ("B44", "Market roof"): 35.5,
                   ("B44", "School roof"): 120}
    assert _estimated_kwh(barcelona, "B44") > 0 and _estimated_kwh(barcelona, "B02") > 0
    # The same names again update; nothing is duplicated.
    services.import_pv_installations(
        None, barcelona, write_file("pv2.csv", "code,name,capacity_kwp\nB02,Library,80\n")
    )
    assert PvInstallation.objects.count() == 3
    assert PvInstallation.objects.get(name="Library").capacity_kwp == 80


BAD = """code,name,capacity_kwp,commissioned_year
B44,School roof,abc,2021
XX9,Ghost,10,
B44,,10,
B02,Library,0,
B02,Old,10,1899
B02,Library,5,
"""


def test_a_bad_import_names_every_row_and_stores_nothing(
    barcelona: Any, energy_dir: Path, write_file: Any
) -> None:
    services.import_pv_installations(
        None, barcelona, write_file("pv.csv", "code,name,capacity_kwp\nB02,Library,60\n")
    )
    with pytest.raises(ImportRefused) as refused:
        services.import_pv_installations(None, barcelona, write_file("bad.csv", BAD))
    found = {(e.row, e.field) for e in refused.value.errors}
    assert found == {
        (2, "capacity_kwp"), (3, "code"), (4, "name"), (5, "capacity_kwp"),
        (6, "commissioned_year"), (7, "name"),
    }
    assert all(e.file == "bad.csv" for e in refused.value.errors)
    assert "not a number: 'abc'" in str(refused.value)
    assert [(p.name, p.capacity_kwp) for p in PvInstallation.objects.all()] == [("Library", 60)]

    err = io.StringIO()
    with pytest.raises(CommandError, match="bad.csv, row 3, field 'code'"):
        call_command("energy", "import-pv", str(write_file("bad.csv", BAD)), "--city",
                     "barcelona", stderr=err)
    assert PvInstallation.objects.count() == 1


def test_cli_imports_and_lists(barcelona: Any, energy_dir: Path, write_file: Any) -> None:
    out = io.StringIO()
    call_command("energy", "import-pv", str(write_file("pv.csv", GOOD)), "--city", "barcelona",
                 stdout=out)
    assert "3 PV installations registered" in out.getvalue()
    out = io.StringIO()
    call_command("energy", "pv", "--city", "barcelona", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("B02") and "Library" in lines[0]


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_pv_writes_refused_without_the_role(
    barcelona: Any, paris: Any, make_user: Any, energy_dir: Path, write_file: Any, role: Any
) -> None:
    from django.contrib.auth.models import AnonymousUser

    b44 = Area.objects.get(city=barcelona, code="B44")
    roof = services.add_pv_installation(None, b44, name="Roof", capacity_kwp=10)
    user = make_user(role, barcelona) if role else AnonymousUser()
    others = [user, make_user("editor", paris)]
    for who in others:
        with pytest.raises(PermissionDenied):
            services.add_pv_installation(who, b44, name="Another", capacity_kwp=10)
        with pytest.raises(PermissionDenied):
            services.import_pv_installations(who, barcelona, write_file("pv.csv", GOOD))
        with pytest.raises(PermissionDenied):
            services.remove_pv_installation(who, roof)
    assert [p.name for p in PvInstallation.objects.all()] == ["Roof"]


def test_add_checks_its_fields(barcelona: Any, energy_dir: Path) -> None:
    b44 = Area.objects.get(city=barcelona, code="B44")
    with pytest.raises(ValidationError) as bad:
        services.add_pv_installation(None, b44, name=" ", capacity_kwp=-1,
                                     commissioned_year=2999)
    assert set(bad.value.message_dict) == {"name", "capacity_kwp", "commissioned_year"}
    assert not PvInstallation.objects.exists()


# --- Page and API ------------------------------------------------------------------------------


def _csv_upload(name: str, text: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def test_pv_page_is_public_and_editors_manage_it(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, write_file: Any
) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    services.add_pv_installation(None, Area.objects.get(city=barcelona, code="B02"),
                                 name="Library", capacity_kwp=60, source="Register")
    public = client_for(None).get("/cities/barcelona/energy/pv/").content.decode()
    assert "Library" in public and "Register" in public
    assert "Register an installation" not in public and "Remove" not in public

    editor = client_for(make_user("editor", barcelona))
    page = editor.get("/cities/barcelona/energy/pv/").content.decode()
    assert "Register an installation" in page and 'name="file"' in page
    done = editor.post("/cities/barcelona/energy/pv/", {
        "area": "B44", "name": "School roof", "capacity_kwp": "120,5",
        "commissioned_year": "2021", "source": "",
    }, follow=True)
    assert "Installation saved" in done.content.decode()
    assert PvInstallation.objects.get(name="School roof").capacity_kwp == 120.5
    assert _estimates(energy_dir) == {"pv-estimate-2025": (2024, 2025)}

    bad = editor.post("/cities/barcelona/energy/pv/",
                      {"area": "B44", "name": "X", "capacity_kwp": "lots"})
    assert bad.status_code == 422 and "Enter a number." in bad.content.decode()

    refused = editor.post("/cities/barcelona/energy/pv/",
                          {"file": _csv_upload("bad.csv", BAD)})
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "6 errors; nothing was registered" in text and "not a number: &#x27;abc&#x27;" in text
    assert PvInstallation.objects.count() == 2

    imported = editor.post("/cities/barcelona/energy/pv/",
                           {"file": _csv_upload("pv.csv", GOOD)}, follow=True)
    assert "3 installations registered" in imported.content.decode()
    assert PvInstallation.objects.count() == 3  # Library and School roof updated, Market added

    roof = PvInstallation.objects.get(name="School roof")
    gone = editor.post(f"/cities/barcelona/energy/pv/{roof.pk}/remove/", follow=True)
    assert "School roof was removed" in gone.content.decode()
    assert not PvInstallation.objects.filter(pk=roof.pk).exists()


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_pv_page_writes_refused_without_the_role(
    barcelona: Any, paris: Any, make_user: Any, client_for: Any, energy_dir: Path, role: Any
) -> None:
    roof = services.add_pv_installation(None, Area.objects.get(city=barcelona, code="B44"),
                                        name="Roof", capacity_kwp=10)
    for user in ([make_user(role, barcelona)] if role else [None]) + [make_user("editor", paris)]:
        client = client_for(user)
        responses = [
            client.post("/cities/barcelona/energy/pv/",
                        {"area": "B44", "name": "Other", "capacity_kwp": "5"}),
            client.post("/cities/barcelona/energy/pv/", {"file": _csv_upload("pv.csv", GOOD)}),
            client.post(f"/cities/barcelona/energy/pv/{roof.pk}/remove/"),
        ]
        for response in responses:
            if user is None:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                assert response.status_code == 403
        api = [
            client.post("/api/v1/cities/barcelona/energy/pv-installations",
                        {"area": "B44", "name": "Other", "capacity_kwp": 5},
                        content_type="application/json"),
            client.delete(f"/api/v1/cities/barcelona/energy/pv-installations/{roof.pk}"),
        ]
        for response in api:
            assert response.status_code in ({401, 403} if user is None else {403})
    assert [p.name for p in PvInstallation.objects.all()] == ["Roof"]


def test_pv_api(barcelona: Any, make_user: Any, client: Any, energy_dir: Path,
                write_file: Any) -> None:
    from urbis.people import services as people

    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    editor = make_user("editor", barcelona)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {people.issue_api_token(user=editor, label='pv')}"}
    created = client.post("/api/v1/cities/barcelona/energy/pv-installations",
                          {"area": "B44", "name": "School roof", "capacity_kwp": 120,
                           "commissioned_year": 2021}, content_type="application/json", **auth)
    assert created.status_code == 201
    body = created.json()
    assert body["area"] == "B44" and body["capacity_kwp"] == 120
    assert _estimates(energy_dir) == {"pv-estimate-2025": (2024, 2025)}
    listed = client.get("/api/v1/cities/barcelona/energy/pv-installations").json()  # public
    assert [p["name"] for p in listed] == ["School roof"]

    unknown = client.post("/api/v1/cities/barcelona/energy/pv-installations",
                          {"area": "XX9", "name": "Ghost", "capacity_kwp": 1},
                          content_type="application/json", **auth)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "area"
    zero = client.post("/api/v1/cities/barcelona/energy/pv-installations",
                       {"area": "B44", "name": "Zero", "capacity_kwp": 0},
                       content_type="application/json", **auth)
    assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "capacity_kwp"

    gone = client.delete(f"/api/v1/cities/barcelona/energy/pv-installations/{body['id']}",
                         **auth)
    assert gone.status_code == 204
    assert _estimates(energy_dir) == {}
    again = client.delete(f"/api/v1/cities/barcelona/energy/pv-installations/{body['id']}",
                          **auth)
    assert again.status_code == 404


def test_area_pages_sum_the_registered_pv(
    barcelona: Any, client: Any, energy_dir: Path, write_file: Any
) -> None:
    _ingest(write_file, "june.csv", readings(3, 48, pv=False))
    b44 = Area.objects.get(city=barcelona, code="B44")
    services.add_pv_installation(None, b44, name="School roof", capacity_kwp=120)
    services.add_pv_installation(None, b44, name="Market roof", capacity_kwp=30)
    page = client.get("/cities/barcelona/energy/areas/B44/").content.decode()
    assert "Registered PV: 2 installations, 150 kWp." in page
    district = b44.parent.code
    assert "150 kWp" in client.get(f"/cities/barcelona/energy/areas/{district}/").content.decode()
    assert "150 kWp" in client.get("/cities/barcelona/energy/areas/barcelona/").content.decode()
    other = client.get("/cities/barcelona/energy/areas/B02/").content.decode()
    assert "No PV installation is registered here." in other


def test_a_register_not_in_utf8_is_refused_by_name(
    barcelona: Any, make_user: Any, client_for: Any, energy_dir: Path, tmp_path: Path
) -> None:
    latin1 = "code,name,capacity_kwp\nB02,Biblioteca Sant Pau i la Creu Ç,60\n".encode("latin-1")
    path = tmp_path / "register.csv"
    path.write_bytes(latin1)
    with pytest.raises(ImportRefused, match="register.csv, row 0.*not UTF-8 text"):
        services.import_pv_installations(None, barcelona, path)
    editor = client_for(make_user("editor", barcelona))
    upload = io.BytesIO(latin1)
    upload.name = "register.csv"
    refused = editor.post("/cities/barcelona/energy/pv/", {"file": upload})
    assert refused.status_code == 422 and "not UTF-8 text" in refused.content.decode()
    assert not PvInstallation.objects.exists()
