"""Demo energy data for Barcelona and Paris, and a running competition season.

Idempotent: readings files are generated deterministically and the engine stores a file it has
seen before only once (the step skips generation when its files are already in the store);
PV installations, the season, entries, initiatives and best practices are upserts.
What is real and what is modelled: docs/DATA.md, "Energy demo".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import numpy as np
import shapely

from urbis.demo.loader import DATA
from urbis.energy import demo_data, engine, measured, measured_paris, services
from urbis.energy.models import EnergyUpload, InitiativeKind, Season
from urbis.places.models import Area, AreaLevel, City

BASELINE_YEAR = 2024
SCORING_YEAR = 2025
SEASON_SLUG = "energy-neutral-neighbourhoods-2025-26"
SEASON_FIRST_END = dt.date(2026, 12, 31)


def season_end(today: dt.date) -> dt.date:
    """The demo season's last day: 31 December 2026, or the end of the current year once
    that has passed, so that a demo loaded in any later year still shows a running season
    (the issue's "done when"). Loading the demo again in a later year moves only this date."""
    return max(SEASON_FIRST_END, dt.date(today.year, 12, 31))

CITY_SETTINGS = {
    # time zone, modelled annual mean temperature (°C) for the gas shape, seed
    "barcelona": ("Europe/Madrid", 16.0, 8019),
    "paris": ("Europe/Paris", 12.5, 75056),
}

# Illustrative teams (names and text are examples, not real groups): (city, area code,
# modelled consumption fall, metered PV kWp in the scoring year, members, initiatives).
# Each team declares a household count when it enters; these counts are illustrative too
# (HOUSEHOLDS), since no per-neighbourhood household figure is loaded for the demo cities.
ENTRANTS: tuple[tuple[str, str, float, float, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("barcelona", "B07", 0.12, 2500.0,
     "Associació de veïns (example)\nCooperativa energètica del barri (example)",
     ((InitiativeKind.COOPERATIVE, "Cooperativa solar de terrats",
       "Neighbours pool roofs of housing blocks into one community solar scheme (example)."),
      (InitiativeKind.RETROFIT, "Rehabilitem l'escala",
       "Block-by-block façade insulation with shared contractors (example)."))),
    ("barcelona", "B31", 0.07, 1200.0,
     "Escola del barri (example)\nComerciants del mercat (example)",
     ((InitiativeKind.SOLAR, "Sostre solar al mercat",
       "PV canopy on the municipal market roof, shared with nearby homes (example)."),
      (InitiativeKind.BEHAVIOUR, "Hores verdes",
       "Households shift washing and charging to the solar hours (example)."))),
    ("barcelona", "B58", 0.04, 600.0, "Centre cívic (example)",
     ((InitiativeKind.HEAT, "Bombes de calor a l'escola",
       "Gas boilers of two schools replaced by heat pumps (example)."),)),
    ("paris", "7511103", 0.10, 1800.0,
     "Conseil de quartier (example)\nCoopérative citoyenne d'énergie (example)",
     ((InitiativeKind.COOPERATIVE, "Toits partagés",
       "A citizen cooperative rents school and gym roofs for solar panels (example)."),
      (InitiativeKind.RETROFIT, "Copropriétés en rénovation",
       "Joint energy audits and retrofit loans for condominiums (example)."))),
    ("paris", "7510204", 0.05, 700.0, "Association de commerçants (example)",
     ((InitiativeKind.BEHAVIOUR, "Vitrines éteintes la nuit",
       "Shops switch off window lighting after closing time (example)."),)),
    ("paris", "7511803", 0.08, 1500.0, "Bailleur social et locataires (example)",
     ((InitiativeKind.HEAT, "Réseau de chaleur étendu",
       "Social housing blocks connected to the district heating network (example)."),
      (InitiativeKind.MOBILITY, "Recharge solaire",
       "Shared e-bike and car charging under a solar canopy (example)."))),
)

HOUSEHOLDS = {"B07": 19_000, "B31": 15_500, "B58": 1_000, "7511103": 21_000,
              "7510204": 5_200, "7511803": 12_000}

# Measured consumption published per postcode, stored as daily readings (docs/DATA.md, "Energy"):
# (dataset, file under demo/data/<city>/, years loaded).
MEASURED = {
    "barcelona": (measured.BARCELONA_ELECTRICITY,
                  "electricity_by_postcode_daily_2019_2020.csv.gz", (2019, 2020)),
}

# PV capacity without a production meter (estimated by the engine with pvlib); illustrative.
PV_WITHOUT_METER = {"barcelona": ("B02", "B15", "B44"), "paris": ("7510602", "7511501")}


def steps() -> list[tuple[str, Callable[[], None]]]:
    return []


def slow_steps() -> list[tuple[str, Callable[[], None]]]:
    """A minute or more each (a year of modelled hourly readings per city, two years of measured
    daily ones): ``urbis demo`` lets the job worker load them after the server is up."""
    result: list[tuple[str, Callable[[], None]]] = []
    for code in CITY_SETTINGS:
        result.append((f"energy: {code} readings", partial(load_city, code)))
    result.append(("energy: paris measured district heat", measured_paris.load_demo))
    result.append(("energy: competition season", load_competition))
    return result


def _city(code: str) -> City | None:
    return City.objects.filter(code=code).first()


def _entrant_plan(code: str) -> dict[str, tuple[float, float]]:
    return {a: (fall, kwp) for c, a, fall, kwp, _m, _i in ENTRANTS if c == code}


def neighbourhoods(city: City, *, scoring: bool) -> list[demo_data.Neighbourhood]:
    plan = _entrant_plan(city.code)
    rng = np.random.default_rng(CITY_SETTINGS[city.code][2])
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
        lon, lat = demo_data.cell_centre(point.x, point.y)
        # Modelled: background drift of ±2 %, rooftop PV on about one in four neighbourhoods.
        drift = float(rng.normal(0.0, 0.02))
        background_pv = float(rng.uniform(150, 900)) if rng.uniform() < 0.25 else 0.0
        fall, kwp = plan.get(area.code, (drift, background_pv))
        if area.code in plan and not scoring:
            kwp = kwp * 0.3  # entrants had some PV before the season
        result.append(
            demo_data.Neighbourhood(
                code=area.code, lon=lon, lat=lat, population=people or 0,
                improvement=fall if scoring else 0.0, pv_kwp=kwp,
            )
        )
    return result


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def load_city(code: str) -> None:
    city = _city(code)
    if city is None:
        return
    real = demo_data.anchor(DATA / code / "energy_annual.csv")
    if real is None:
        return
    tz, temperature, seed = CITY_SETTINGS[code]
    _pv_installations(city)
    stored = {f.source_name for f in engine.stored_files(city)}
    out = engine.data_dir() / "energy" / "demo"
    for year, hourly in ((BASELINE_YEAR, False), (SCORING_YEAR, True)):
        # Once consumption is stored the year is done (a city without PV producers has no PV
        # file at all, so its absence cannot mean "not loaded yet").
        wanted = {f"{code}-{year}-electricity.parquet", f"{code}-{year}-gas.parquet"}
        if wanted <= stored:
            continue
        paths = demo_data.generate(
            city=code,
            neighbourhoods=neighbourhoods(city, scoring=year == SCORING_YEAR),
            year=year,
            total_kwh=real.mwh * 1000.0,
            tz=tz,
            mean_temperature_c=temperature,
            hourly=hourly,
            scoring=year == SCORING_YEAR,
            seed=seed + year,
            layout_seed=seed,
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


def _pv_installations(city: City) -> None:
    for area_code in PV_WITHOUT_METER.get(city.code, ()):
        area = Area.objects.filter(city=city, code=area_code).first()
        if area is None:
            continue
        services.add_pv_installation(
            None, area, name=f"Rooftop PV, {area.name} (example)", capacity_kwp=800.0,
            commissioned_year=2023, source="Illustrative demo figure (see the data sources page)",
            is_illustrative=True,
        )


def load_competition() -> None:
    cities = [c for c in (_city(code) for code in CITY_SETTINGS) if c is not None]
    if len(cities) < 2:
        return
    season = services.save_season(
        None,
        slug=SEASON_SLUG,
        name="Energy-Neutral Neighbourhoods 2025–26",
        cities=cities,
        starts_on=dt.date(2025, 9, 1),
        ends_on=season_end(dt.date.today()),
        baseline_year=BASELINE_YEAR,
        scoring_year=SCORING_YEAR,
        description=(
            "Neighbourhoods of Barcelona and Paris compete to cut their net energy per "
            "household against their own baseline year."
        ),
        is_illustrative=True,
    )
    for city_code, area_code, _fall, _kwp, members, initiatives in ENTRANTS:
        area = Area.objects.filter(city__code=city_code, code=area_code).first()
        if area is None:
            continue
        team = (f"{area.name} Energia Veïnal" if city_code == "barcelona"
                else f"{area.name} Énergie Partagée")
        entry = services.enter(
            None, season, area, team_name=team, members=members,
            households=HOUSEHOLDS.get(area_code),
            households_source="Declared by the team (illustrative demo figure)",
            is_illustrative=True,
        )
        for kind, title, description in initiatives:
            services.add_initiative(
                None, entry, kind=kind, title=title, description=description,
                started_on=dt.date(2025, 1, 15),
            )
    _best_practices(season)


def _best_practices(season: Season) -> None:
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
                lessons=(
                    "Start with the roofs and buildings the city owns; neighbours join once "
                    "they see the first results (illustrative example)."
                ),
                is_illustrative=True,
            )
