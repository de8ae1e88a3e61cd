"""Loads the bundled real demo data: every step is an upsert, so loading twice changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction

from urbis.discovery import app_modules
from urbis.people import services as people
from urbis.people.models import Role, User
from urbis.places import services as places
from urbis.places.models import AreaLevel, City

DEMO_DIR = Path(__file__).resolve().parent
BOUNDARIES = DEMO_DIR / "boundaries"
DATA = DEMO_DIR / "data"
ADMIN_EMAIL = "admin@urbis.demo"


@dataclass(frozen=True)
class BoundaryFile:
    path: str
    level: str
    fields: places.AreaFields
    source: str
    # How the population CSV (which uses the publisher's codes) maps to Urbis codes.
    population_code: Callable[[str], str]


@dataclass(frozen=True)
class DemoCity:
    code: str
    name: str
    country: str
    lau_code: str
    time_zone: str
    boundaries: tuple[BoundaryFile, ...]


BCN_SOURCE = "Ajuntament de Barcelona / CartoBCN, CC BY"
PARIS_SOURCE = "Ville de Paris, Paris Data, ODbL 1.0"


def _paris_quartier_codes() -> dict[str, str]:
    with (BOUNDARIES / "paris" / "quartiers.geojson").open() as handle:
        features = json.load(handle)["features"]
    return {str(f["properties"]["c_qu"]): str(f["properties"]["c_quinsee"]) for f in features}


CITIES = (
    DemoCity(
        code="barcelona",
        name="Barcelona",
        country="ES",
        lau_code="08019",
        time_zone="Europe/Madrid",
        boundaries=(
            BoundaryFile(
                "barcelona/districtes.geojson",
                AreaLevel.DISTRICT,
                places.AreaFields(code="DISTRICTE", name="NOM", code_prefix="D", code_width=2),
                BCN_SOURCE,
                lambda code: "D" + code.zfill(2),
            ),
            BoundaryFile(
                "barcelona/barris.geojson",
                AreaLevel.NEIGHBOURHOOD,
                places.AreaFields(
                    code="BARRI",
                    name="NOM",
                    parent="DISTRICTE",
                    code_prefix="B",
                    parent_prefix="D",
                    code_width=2,
                ),
                BCN_SOURCE,
                lambda code: "B" + code.zfill(2),
            ),
        ),
    ),
    DemoCity(
        code="paris",
        name="Paris",
        country="FR",
        lau_code="75056",
        time_zone="Europe/Paris",
        boundaries=(
            BoundaryFile(
                "paris/arrondissements.geojson",
                AreaLevel.DISTRICT,
                places.AreaFields(code="c_arinsee", name="l_aroff"),
                PARIS_SOURCE,
                lambda code: "751" + code.zfill(2),
            ),
            BoundaryFile(
                "paris/quartiers.geojson",
                AreaLevel.NEIGHBOURHOOD,
                places.AreaFields(
                    code="c_quinsee",
                    name="l_qu",
                    parent="c_ar",
                    parent_prefix="751",
                    code_width=2,
                ),
                PARIS_SOURCE,
                lambda code: _paris_quartier_codes().get(code, code),
            ),
        ),
    ),
)

ORGANISATIONS = (
    # (slug, name, kind, city code) — real public bodies of the demo cities.
    ("bcn-energy-agency", "Agència d'Energia de Barcelona", "city_department", "barcelona"),
    (
        "bcn-urban-ecology",
        "Àrea d'Ecologia Urbana, Ajuntament de Barcelona",
        "city_department",
        "barcelona",
    ),
    ("paris-climate-agency", "Agence Parisienne du Climat", "ngo", "paris"),
    (
        "paris-ecological-transition",
        "Direction de la Transition écologique et du Climat, Ville de Paris",
        "city_department",
        "paris",
    ),
)

Step = tuple[str, Callable[[], None]]


def place_steps() -> list[Step]:
    """Cities with their boundaries and population: what every other part stands on."""
    result: list[Step] = []
    for city in CITIES:
        result.append((f"{city.name}: city", partial(_load_city, city)))
        for boundary in city.boundaries:
            label = f"{city.name}: {boundary.level} boundaries"
            result.append((label, partial(_load_boundaries, city, boundary)))
        result.append((f"{city.name}: population", partial(_load_population, city)))
        if (DATA / city.code / "floor_area.csv").exists():
            result.append((f"{city.name}: floor area", partial(_load_floor_area, city)))
    return result


def quick_steps() -> list[Step]:
    """What the first page needs, loaded before the demo serves: places, people and each app's
    ``steps()`` (seconds each)."""
    result = place_steps()
    result.append(("organisations", _load_organisations))
    result.append(("demo admin", ensure_admin))
    for module in app_modules("demo"):
        result.extend(module.steps())
    return result


def slow_steps() -> list[Step]:
    """Steps of a minute or more (the energy readings), declared by an app's ``demo`` module as
    ``slow_steps()``. ``urbis demo`` hands them to the job worker once it serves, so the first
    page does not wait for them; no quick step may depend on them."""
    result: list[Step] = []
    for module in app_modules("demo"):
        result.extend(getattr(module, "slow_steps", list)())
    return result


def steps() -> list[Step]:
    """The whole load, as named steps, so the CLI can show progress: the quick steps, then the
    slow ones."""
    return quick_steps() + slow_steps()


def _city_row(code: str) -> dict[str, str] | None:
    path = DATA / "cities.csv"
    if not path.exists():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        return next((row for row in csv.DictReader(handle) if row.get("code") == code), None)


def _load_city(city: DemoCity) -> None:
    row = _city_row(city.code) or {}
    population = (row.get("population") or "").strip()
    date = (row.get("reference_date") or "").strip()
    places.upsert_city(
        code=city.code,
        name=city.name,
        country=city.country,
        lau_code=(row.get("lau_code") or city.lau_code).strip(),
        population=int(population) if population.isdigit() else None,
        population_date=dt.date.fromisoformat(date) if date and population else None,
        population_source=(row.get("source") or "").strip()[:300] if population else "",
        time_zone=city.time_zone,
    )


def _load_boundaries(city: DemoCity, boundary: BoundaryFile) -> None:
    places.import_areas(
        BOUNDARIES / boundary.path,
        city=City.objects.get(code=city.code),
        level=boundary.level,
        fields=boundary.fields,
        source=boundary.source,
    )


def _rows_with_urbis_codes(city: DemoCity, path: Path) -> list[dict[str, str]]:
    """The rows of a per-area CSV in the publisher's codes, with Urbis area codes instead."""
    by_level = {b.level: b for b in city.boundaries}
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            boundary = by_level.get((row.get("level") or "").strip())
            if boundary is None:
                continue
            rows.append({**row, "code": boundary.population_code((row["code"] or "").strip())})
    return rows


def _load_population(city: DemoCity) -> None:
    path = DATA / city.code / "population.csv"
    if not path.exists():
        return
    rows = _rows_with_urbis_codes(city, path)
    places.set_population(rows, city=City.objects.get(code=city.code), file=path.name)


def _load_floor_area(city: DemoCity) -> None:
    path = DATA / city.code / "floor_area.csv"
    rows = _rows_with_urbis_codes(city, path)
    places.set_floor_area(rows, city=City.objects.get(code=city.code), file=path.name)


def _load_organisations() -> None:
    for slug, name, kind, city_code in ORGANISATIONS:
        people.upsert_organisation(
            name=name, slug=slug, kind=kind, city=City.objects.get(code=city_code)
        )


def admin_password_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-admin-password.txt"


def ensure_admin() -> None:
    """The demo admin: created once with a random password kept in the data directory."""
    password_file = admin_password_file()
    with transaction.atomic():
        user = User.objects.filter(email=ADMIN_EMAIL).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
            if user is None:
                user = User.objects.create_superuser(
                    ADMIN_EMAIL, password, display_name="Demo administrator"
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
        for city in City.objects.all():
            people.grant_role(by=None, user=user, city=city, role=Role.ADMIN)


def admin_credentials() -> tuple[str, str]:
    return ADMIN_EMAIL, admin_password_file().read_text(encoding="utf-8").strip()
