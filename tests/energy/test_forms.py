"""The energy pages' forms: bad input is refused on its field, in the reader's language, with
nothing stored; every write page refuses anyone without the role and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from tests.energy.conftest import readings
from urbis.energy import services
from urbis.energy.models import EnergyUpload, Entry, Initiative, PvInstallation
from urbis.engines.energy import list_files
from urbis.places.models import Area

pytestmark = pytest.mark.django_db
CITY = "/cities/barcelona/energy/"


@pytest.fixture
def world(barcelona: Any, paris: Any, energy_dir: Path, write_file: Any,
          make_user: Any) -> dict[str, Any]:
    """A stored readings file, a PV installation, a running season with one team's entry."""
    stored = services.ingest_path(barcelona, write_file("june.csv", readings(3, 24, pv=False)))
    roof = services.add_pv_installation(None, Area.objects.get(city=barcelona, code="B44"),
                                        name="Roof", capacity_kwp=10)
    season = services.save_season(
        None, slug="s", name="Season", cities=[barcelona], starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date.today() + dt.timedelta(days=30), baseline_year=2024, scoring_year=2025,
    )
    team = make_user()
    entry = services.enter(team, season, Area.objects.get(city=barcelona, code="B07"),
                           team_name="Dreta")
    return {"file": stored.file_hash, "roof": roof, "entry": entry, "team": team}


def _state(energy_dir: Path) -> tuple[Any, ...]:
    return (
        sorted(f.file_hash for f in list_files(energy_dir, "barcelona")),
        list(EnergyUpload.objects.values_list("pk", "status").order_by("pk")),
        list(PvInstallation.objects.values_list("name", "capacity_kwp").order_by("pk")),
        list(Entry.objects.values_list("team_name", "households").order_by("pk")),
        list(Initiative.objects.values_list("title").order_by("pk")),
    )


def _csv(name: str, text: str) -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def _writes(world: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every write of the energy pages, each as (address, a function giving its valid data)."""
    entry = world["entry"]
    return [
        (CITY + "upload/", lambda: {"file": _csv("more.csv", readings(2, 24, prefix="x"))}),
        (CITY + f"files/{world['file']}/withdraw/", dict),
        (CITY + "pv/", lambda: {"area": "B44", "name": "Other", "capacity_kwp": "5"}),
        (CITY + "pv/", lambda: {"file": _csv("pv.csv", "code,name,capacity_kwp\nB02,X,4\n")}),
        (CITY + f"pv/{world['roof'].pk}/remove/", dict),
        (f"/energy/competition/s/entries/{entry.pk}/",
         lambda: {"kind": "solar", "title": "Roofs"}),
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "moderator", "other city's editor"])
def test_every_energy_write_page_refuses_a_user_without_the_role(
    world: dict[str, Any], who: str, make_user: Any, client_for: Any, barcelona: Any,
    paris: Any, energy_dir: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    user = {"anonymous": None, "member": make_user("member", barcelona),
            "moderator": make_user("moderator", barcelona),
            "other city's editor": make_user("editor", paris)}[who]
    client = client_for(user)
    before = _state(energy_dir)
    for url, data in _writes(world):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data())
        if user is None:
            assert response.status_code == 302, url
            assert "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    # Entering a competition is open to every account, never to an anonymous visitor.
    if user is None:
        area = Area.objects.get(city=barcelona, code="B01")
        response = client.post("/energy/competition/s/enter/",
                               {"area": area.pk, "team_name": "Raval"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _state(energy_dir) == before


def test_the_writes_work_for_those_with_the_role(
    world: dict[str, Any], make_user: Any, client_for: Any, barcelona: Any, energy_dir: Path,
    inline_jobs: None, django_capture_on_commit_callbacks: Any,
) -> None:
    """The same requests as above, by an editor (and the team), are done: so the refusals
    above are refusals, not broken requests."""
    editor = client_for(make_user("editor", barcelona))
    for url, data in _writes(world):
        client = client_for(world["team"]) if "entries" in url else editor
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data())
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    assert EnergyUpload.objects.filter(status=EnergyUpload.Status.WITHDRAWN).count() == 1
    assert EnergyUpload.objects.filter(file_name="more.csv",
                                       status=EnergyUpload.Status.STORED).exists()
    assert sorted(PvInstallation.objects.values_list("name", flat=True)) == ["Other", "X"]
    assert Initiative.objects.get().title == "Roofs"


def _field_errors(html: str, name: str) -> list[str]:
    """The error messages shown in the paragraph of the field named ``name``."""
    for paragraph in re.findall(r'<p class="field">(.*?)</p>', html, re.S):
        if f'name="{name}"' in paragraph:
            return re.findall(r'<span class="error" role="alert">(.*?)</span>', paragraph, re.S)
    raise AssertionError(f"no field {name!r} on the page")


def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(
    world: dict[str, Any], make_user: Any, client_for: Any, barcelona: Any, energy_dir: Path,
    inline_jobs: None,
) -> None:
    editor = client_for(make_user("editor", barcelona))
    before = _state(energy_dir)

    no_file = editor.post(CITY + "upload/", {"time_zone": "Europe/Madrid"})
    assert no_file.status_code == 422
    assert _field_errors(no_file.content.decode(), "file") == ["Choose a file."]
    # The value typed is kept in the form.
    assert 'value="Europe/Madrid"' in no_file.content.decode()

    bad_zone = editor.post(CITY + "upload/", {"file": _csv("a.csv", readings(1, 2)),
                                              "time_zone": "Europe/Atlantis"})
    assert bad_zone.status_code == 422
    assert _field_errors(bad_zone.content.decode(), "time_zone") == [
        "Unknown time zone Europe/Atlantis."]

    for data, field, message in (
        ({"area": "B44", "name": "X", "capacity_kwp": "lots"}, "capacity_kwp",
         "Enter a number."),
        ({"area": "B44", "name": "X", "capacity_kwp": "0"}, "capacity_kwp",
         "Capacity must be between 0 and 500,000 kWp."),
        ({"area": "Z99", "name": "X", "capacity_kwp": "3"}, "area", "Choose a neighbourhood."),
        ({"area": "B44", "name": "X", "capacity_kwp": "3", "commissioned_year": "soon"},
         "commissioned_year", "Enter a year."),
        ({"area": "B44", "name": "X", "capacity_kwp": "3", "commissioned_year": "1850"},
         "commissioned_year", "The year it went into operation must be between 1980 and "
         f"{dt.date.today().year}."),
    ):
        page = editor.post(CITY + "pv/", data)
        assert page.status_code == 422, data
        assert _field_errors(page.content.decode(), field) == [message], data

    no_register = editor.post(CITY + "pv/", {"form": "import"})
    assert no_register.status_code == 422
    assert _field_errors(no_register.content.decode(), "file") == ["Choose a file."]

    entry = world["entry"]
    team = client_for(world["team"])
    bogus = team.post(f"/energy/competition/s/entries/{entry.pk}/",
                      {"kind": "bogus", "title": "X"})
    assert bogus.status_code == 422
    assert _field_errors(bogus.content.decode(), "kind") == ["Unknown kind of initiative."]

    citizen = client_for(make_user())
    area = Area.objects.get(city=barcelona, code="B01")
    for data, field in (
        ({"area": area.pk, "team_name": "Raval", "households": "many"}, "households"),
        ({"area": area.pk, "team_name": "Raval", "households": "-4"}, "households"),
        ({"area": area.pk, "team_name": " "}, "team_name"),
        # B07 has a team already, so it is not among the choices.
        ({"area": Area.objects.get(city=barcelona, code="B07").pk, "team_name": "T"}, "area"),
    ):
        page = citizen.post("/energy/competition/s/enter/", data)
        assert page.status_code == 422, data
        assert _field_errors(page.content.decode(), field), data
    assert _state(energy_dir) == before


def test_form_errors_are_in_the_readers_language(
    world: dict[str, Any], make_user: Any, client_for: Any, barcelona: Any
) -> None:
    editor = client_for(make_user("editor", barcelona))
    try:
        page = editor.post(CITY + "pv/", {"area": "B44", "name": "", "capacity_kwp": "viel"},
                           HTTP_ACCEPT_LANGUAGE="de")
        html = page.content.decode()
        with translation.override("de"):
            required = translation.gettext("This field is required.")
            number = translation.gettext("Enter a number.")
            label = translation.gettext("Capacity (kWp)")
        assert required != "This field is required." and number != "Enter a number."
        assert page.status_code == 422
        assert _field_errors(html, "name") == [required]
        assert _field_errors(html, "capacity_kwp") == [number]
        assert f">{label}</label>" in html
    finally:
        translation.activate("en")
    assert PvInstallation.objects.count() == 1


@pytest.fixture
def places() -> None:
    """Transactional tests empty the database when they end; put the demo cities back."""
    from urbis.demo import loader
    from urbis.places.models import City

    if not City.objects.filter(code="barcelona").exists():
        for _label, step in loader.place_steps():
            step()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_refused_forms_show_their_errors_on_the_field_and_pass_axe(
    places: None, page: Any, live_server: Any, login_page: Any, make_user: Any,
    energy_dir: Path,
) -> None:
    from tests.a11y import axe_violations
    from urbis.places.models import City

    login_page(make_user("editor", City.objects.get(code="barcelona")))
    page.set_default_navigation_timeout(60_000)  # a shared, busy test machine
    page.goto(f"{live_server.url}{CITY}pv/")
    add = page.locator("#pv-add")
    add.get_by_label("Neighbourhood").select_option("B44")
    add.get_by_label("Capacity (kWp)").fill("lots")
    add.get_by_role("button").click()
    page.wait_for_load_state()
    capacity = page.locator("#pv-add p.field", has=page.locator("[name=capacity_kwp]"))
    assert capacity.locator(".error").inner_text() == "Enter a number."
    name = page.locator("#pv-add p.field", has=page.locator("[name=name]"))
    assert name.locator(".error").inner_text() == "This field is required."
    # The neighbourhood chosen is kept.
    assert add.get_by_label("Neighbourhood").input_value() == "B44"
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}{CITY}upload/")
    page.locator("#upload-form").get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    upload = page.locator("#upload-form p.field", has=page.locator("[name=file]"))
    assert upload.locator(".error").inner_text() == "Choose a file."
    assert axe_violations(page) == []
    assert not PvInstallation.objects.exists() and not EnergyUpload.objects.exists()
