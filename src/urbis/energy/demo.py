"""Demo energy data for Barcelona and Paris, and a running competition season, read from the data
files in ``demo_data/``.

The content lives in ``demo_data/cities.toml`` (how each city's readings are modelled, and the
illustrative PV installations) and ``demo_data/competition.toml`` (the season, its teams, their
initiatives and the best practices' lessons); each file's ``[about]`` table says what in it is
real and what is illustrative. This module reads and checks the files (a bad file is refused
with its name, the record and the field, before anything is stored), models the readings with
``demo_readings`` and calls the services.

Idempotent: readings files are generated deterministically and the engine stores a file it has
seen before only once (the step skips generation when its files are already in the store);
PV installations, the season, entries, initiatives and best practices are upserts.
What is real and what is modelled: docs/DATA.md, "Energy demo".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pydantic
import shapely

from urbis.demo.loader import DATA
from urbis.energy import demo_readings, engine, measured, measured_paris, services
from urbis.energy.models import EnergyUpload, InitiativeKind, Season
from urbis.places.models import Area, AreaLevel, City
from urbis.strategy.demo import About, DemoDataError, Record, read_data_file, refuse

DEMO_DATA = Path(__file__).with_name("demo_data")

__all__ = ["DEMO_DATA", "DemoDataError", "load_city", "load_competition", "neighbourhoods",
           "season_end", "slow_steps", "steps"]


# ---------------------------------------------------------------- what the files hold


class CityData(Record):
    code: str
    time_zone: str
    mean_temperature_c: float
    seed: int
    pv_without_meter: list[str] = []


class PvData(Record):
    name: str = pydantic.Field(pattern=r"\{area\}")
    capacity_kwp: float = pydantic.Field(gt=0)
    commissioned_year: int
    source: str


class CitiesFile(Record):
    about: About
    cities: list[CityData]
    pv_installation: PvData


class InitiativeData(Record):
    kind: str
    title: str
    description: str


class EntrantData(Record):
    city: str
    area: str
    consumption_fall: float
    pv_kwp: float = pydantic.Field(ge=0)
    households: int = pydantic.Field(gt=0)
    members: list[str]
    initiatives: list[InitiativeData]


class SeasonData(Record):
    slug: str
    name: str
    description: str
    starts_on: dt.date
    first_ends_on: dt.date
    baseline_year: int
    scoring_year: int
    households_source: str
    initiatives_started_on: dt.date
    best_practice_lessons: str


class CompetitionFile(Record):
    about: About
    season: SeasonData
    team_names: dict[str, str]
    entrants: list[EntrantData]


def read_cities(data: Path = DEMO_DATA) -> CitiesFile:
    return read_data_file(data / "cities.toml", CitiesFile)


def read_competition(data: Path = DEMO_DATA) -> CompetitionFile:
    path = data / "competition.toml"
    content = read_data_file(path, CompetitionFile)
    for i, entrant in enumerate(content.entrants):
        record = f"entrants[{i}] {entrant.area!r}"
        if entrant.city not in content.team_names:
            raise refuse(path, record, "city", f"no team name for {entrant.city!r} in "
                                               "[team_names]")
        for j, initiative in enumerate(entrant.initiatives):
            if initiative.kind not in InitiativeKind.values:
                raise refuse(path, record, f"initiatives.{j}.kind",
                             f"unknown kind {initiative.kind!r} (one of "
                             f"{', '.join(InitiativeKind.values)})")
    return content


def _settings(code: str, data: Path = DEMO_DATA) -> CityData:
    return next(c for c in read_cities(data).cities if c.code == code)


def season_end(today: dt.date, data: Path = DEMO_DATA) -> dt.date:
    """The demo season's last day: ``first_ends_on`` (31 December 2026), or the end of the
    current year once that has passed, so that a demo loaded in any later year still shows a
    running season (the issue's "done when"). Loading the demo again in a later year moves only
    this date."""
    return max(read_competition(data).season.first_ends_on, dt.date(today.year, 12, 31))


# Measured consumption published per postcode, stored as daily readings (docs/DATA.md, "Energy"):
# (dataset, file under demo/data/<city>/, years loaded).
MEASURED = {
    "barcelona": (measured.BARCELONA_ELECTRICITY,
                  "electricity_by_postcode_daily_2019_2020.csv.gz", (2019, 2020)),
}


def steps(data: Path = DEMO_DATA) -> list[tuple[str, Callable[[], None]]]:
    # Read now, so that a broken file is refused before the demo stores anything.
    read_cities(data)
    read_competition(data)
    return []


def slow_steps(data: Path = DEMO_DATA) -> list[tuple[str, Callable[[], None]]]:
    """A minute or more each (a year of modelled hourly readings per city, two years of measured
    daily ones): ``urbis demo`` lets the job worker load them after the server is up."""
    cities = read_cities(data)
    read_competition(data)
    result: list[tuple[str, Callable[[], None]]] = []
    for city in cities.cities:
        result.append((f"energy: {city.code} readings", partial(load_city, city.code, data)))
    result.append(("energy: paris measured district heat", measured_paris.load_demo))
    result.append(("energy: competition season", partial(load_competition, data)))
    return result


def _city(code: str) -> City | None:
    return City.objects.filter(code=code).first()


def _entrant_plan(code: str, data: Path = DEMO_DATA) -> dict[str, tuple[float, float]]:
    return {e.area: (e.consumption_fall, e.pv_kwp) for e in read_competition(data).entrants
            if e.city == code}


def neighbourhoods(city: City, *, scoring: bool,
                   data: Path = DEMO_DATA) -> list[demo_readings.Neighbourhood]:
    plan = _entrant_plan(city.code, data)
    rng = np.random.default_rng(_settings(city.code, data).seed)
    result = []
    areas = list(
        Area.objects.filter(city=city, level=AreaLevel.NEIGHBOURHOOD)
        .select_related("parent").order_by("code")
    )
    siblings: dict[int, int] = {}
    for area in areas:
        if area.parent_id:
            siblings[area.parent_id] = siblings.get(area.parent_id, 0) + 1
    for area in areas:
        geom = shapely.from_geojson(_json(area.geometry))
        # Where a neighbourhood's population is not published (Paris quartiers), model it as
        # an equal share of its district's; used only to spread the demand, never shown.
        people = area.population
        if not people and area.parent_id and area.parent and area.parent.population:
            people = round(area.parent.population / siblings[area.parent_id])
        point = geom.representative_point()
        lon, lat = demo_readings.cell_centre(point.x, point.y)
        # Modelled: background drift of ±2 %, rooftop PV on about one in four neighbourhoods.
        drift = float(rng.normal(0.0, 0.02))
        background_pv = float(rng.uniform(150, 900)) if rng.uniform() < 0.25 else 0.0
        fall, kwp = plan.get(area.code, (drift, background_pv))
        if area.code in plan and not scoring:
            kwp = kwp * 0.3  # entrants had some PV before the season
        result.append(
            demo_readings.Neighbourhood(
                code=area.code, lon=lon, lat=lat, population=people or 0,
                improvement=fall if scoring else 0.0, pv_kwp=kwp,
            )
        )
    return result


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def load_city(code: str, data: Path = DEMO_DATA) -> None:
    city = _city(code)
    if city is None:
        return
    real = demo_readings.anchor(DATA / code / "energy_annual.csv")
    if real is None:
        return
    settings = _settings(code, data)
    season = read_competition(data).season
    _pv_installations(city, data)
    stored = {f.source_name for f in engine.stored_files(city)}
    out = engine.data_dir() / "energy" / "demo"
    for year, hourly in ((season.baseline_year, False), (season.scoring_year, True)):
        # Once consumption is stored the year is done (a city without PV producers has no PV
        # file at all, so its absence cannot mean "not loaded yet").
        wanted = {f"{code}-{year}-electricity.parquet", f"{code}-{year}-gas.parquet"}
        if wanted <= stored:
            continue
        paths = demo_readings.generate(
            city=code,
            neighbourhoods=neighbourhoods(city, scoring=year == season.scoring_year, data=data),
            year=year,
            total_kwh=real.mwh * 1000.0,
            tz=settings.time_zone,
            mean_temperature_c=settings.mean_temperature_c,
            hourly=hourly,
            scoring=year == season.scoring_year,
            seed=settings.seed + year,
            layout_seed=settings.seed,
            out_dir=out,
        )
        for path in paths:
            if path.name in stored:
                continue
            upload = services.ingest_path(
                city, path, source=EnergyUpload.Source.DEMO, refresh_balance=False
            )
            if upload.status == EnergyUpload.Status.REJECTED:
                raise RuntimeError(f"demo file {path.name} refused: {upload.errors[:3]}")
            path.unlink(missing_ok=True)
    _measured(city)
    services.refresh_pv_estimates(city)
    engine.forget(city)
    engine.balance(city)


def _measured(city: City) -> None:
    """Real measured readings where the city has a published per-postcode table. No postcode
    polygons could be obtained from a public source, so they are placed on the city as a whole
    (docs/DATA.md); years already stored are skipped."""
    if city.code not in MEASURED:
        return
    dataset, name, years = MEASURED[city.code]
    measured.ingest(city, DATA / city.code / name, dataset, years=years,
                    source=EnergyUpload.Source.DEMO, refresh_balance=False)


def _pv_installations(city: City, data: Path = DEMO_DATA) -> None:
    cities = read_cities(data)
    pv = cities.pv_installation
    codes = next((c.pv_without_meter for c in cities.cities if c.code == city.code), [])
    for area_code in codes:
        area = Area.objects.filter(city=city, code=area_code).first()
        if area is None:
            continue
        services.add_pv_installation(
            None, area, name=pv.name.format(area=area.name), capacity_kwp=pv.capacity_kwp,
            commissioned_year=pv.commissioned_year, source=pv.source, is_illustrative=True,
        )


def load_competition(data: Path = DEMO_DATA) -> None:
    content = read_competition(data)
    codes = [c.code for c in read_cities(data).cities]
    cities = [c for c in (_city(code) for code in codes) if c is not None]
    if len(cities) < 2:
        return
    s = content.season
    season = services.save_season(
        None,
        slug=s.slug,
        name=s.name,
        cities=cities,
        starts_on=s.starts_on,
        ends_on=season_end(dt.date.today(), data),
        baseline_year=s.baseline_year,
        scoring_year=s.scoring_year,
        description=s.description,
        is_illustrative=True,
    )
    for entrant in content.entrants:
        area = Area.objects.filter(city__code=entrant.city, code=entrant.area).first()
        if area is None:
            continue
        entry = services.enter(
            None, season, area, team_name=content.team_names[entrant.city].format(
                area=area.name),
            members="\n".join(entrant.members),
            households=entrant.households,
            households_source=s.households_source,
            is_illustrative=True,
        )
        for initiative in entrant.initiatives:
            services.add_initiative(
                None, entry, kind=initiative.kind, title=initiative.title,
                description=initiative.description, started_on=s.initiatives_started_on,
            )
    _best_practices(season, s.best_practice_lessons)


def _best_practices(season: Season, lessons: str) -> None:
    from urbis.energy import queries

    leaders = [s for s in queries.standings(season) if s["rank"] is not None][:2]
    for standing in leaders:
        entry = standing["entry"]
        for initiative in entry.initiatives.all()[:1]:
            services.publish_best_practice(
                None,
                season,
                entry=entry,
                kind=initiative.kind,
                title=initiative.title,
                summary=initiative.description,
                lessons=lessons,
                is_illustrative=True,
            )
