"""Demo scenarios for Barcelona and Paris, read from the data files in ``demo_data/``, with
measures linked to the demo strategies' actions.

Published: each city's whole-city final energy total (demo/data/<city>/energy_annual.csv). NOT
published, and labelled illustrative on the page and in docs/DATA.md: the split of that total by
sector and carrier, the electricity (and Paris district-heating) factor paths, and every
measure's effect and cost. The demo shows how the engine works, not a forecast for either city.
Each file's ``[about]`` table says so too. This module only reads a file, checks every record
(a bad file is refused with its name, the record and the field, before anything of it is stored;
a measure the engine refuses undoes its city's step) and calls the scenario services.
Idempotent: running it twice changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pydantic
from django.core.exceptions import ValidationError
from django.db import transaction

from urbis.places.models import City
from urbis.scenarios import services
from urbis.scenarios.models import EmissionFactor, Measure, Scenario
from urbis.strategy.demo import About, DemoDataError, Record, read_data_file, refuse
from urbis.strategy.models import Action, Strategy

Step = tuple[str, Callable[[], None]]
DEMO_DATA = Path(__file__).with_name("demo_data")
CITIES = ("barcelona", "paris")

# How the illustrative parts are labelled where they are stored (and so shown).
ILLUSTRATIVE = "Illustrative demo value, not a published figure"
ENGINE_PROBLEM = re.compile(r"^(.*?): (\w+): (.*)$", re.S)


# ---------------------------------------------------------------- what the files hold


class ShareData(Record):
    sector: str
    carrier: str
    share: float = pydantic.Field(gt=0, le=1)


class FactorData(Record):
    carrier: str
    year: int
    t_co2_per_mwh: float = pydantic.Field(ge=0)


class InventoryData(Record):
    year: int
    total_mwh: int = pydantic.Field(gt=0)
    total_source: str = pydantic.Field(min_length=1)
    split: list[ShareData] = pydantic.Field(min_length=1)
    factors: list[FactorData] = []


class ScenarioData(Record):
    slug: str
    title: str
    strategy: str | None = None
    end_year: int
    population_growth: float
    samples: int = pydantic.Field(ge=1)
    seed: int


class MeasureData(Record):
    name: str
    action: str | None = None
    kind: str
    sector: str | None = None
    carrier: str | None = None
    to_sector: str | None = None
    to_carrier: str | None = None
    value: float
    value_low: float | None = None
    value_high: float | None = None
    intensity_ratio: float | None = None
    from_efficiency: float | None = None
    to_efficiency: float | None = None
    start_year: int
    ramp_years: int
    uncertainty_group: str | None = None
    capex_eur: float | None = None
    opex_eur_per_year: float | None = None
    lifetime_years: int | None = None


class CityFile(Record):
    about: About
    inventory: InventoryData
    scenario: ScenarioData
    measures: list[MeasureData] = []


def read_city(path: Path) -> CityFile:
    content = read_data_file(path, CityFile)
    total = sum(row.share for row in content.inventory.split)
    if total > 1 + 1e-9:  # Paris's add up to 0.995: the rest of the total is not assigned
        raise refuse(path, "[inventory]", "split",
                     f"the shares add up to {round(total, 9):g}, more than the whole total")
    return content


# ---------------------------------------------------------------- loading


def _inventory_csv(inventory: InventoryData) -> str:
    rows = "\n".join(
        f"{row.sector},{row.carrier},{round(inventory.total_mwh * row.share)},"
        f"{ILLUSTRATIVE} (share of the published total)"
        for row in inventory.split
    )
    return "sector,carrier,energy_mwh,source\n" + rows


def _refused(path: Path, record: str, error: ValidationError) -> DemoDataError:
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return refuse(path, record, field, "; ".join(messages))
    # The engine's problems come as "<what>: <field>: <reason>".
    engine = [m for m in map(ENGINE_PROBLEM.match, error.messages) if m]
    if engine:
        return refuse(path, record, engine[0][2], "; ".join(m[3] for m in engine))
    return refuse(path, record, "(the record)", "; ".join(error.messages))


def load_city(code: str, path: Path, content: CityFile) -> None:
    city = City.objects.filter(code=code).first()
    if city is None:
        raise refuse(path, "[scenario]", "city", f"no city {code!r}")
    spec, inv = content.scenario, content.inventory
    with transaction.atomic():
        inventory = city.emission_inventories.filter(kind="bei", year=inv.year).first()
        if inventory is None:
            try:
                inventory = services.import_inventory_csv(
                    None, city, inv.year, _inventory_csv(inv), operator=True,
                    is_illustrative=True,
                    source=f"Total: {inv.total_source}. Split by sector and carrier: "
                           "illustrative.",
                )
            except ValidationError as error:
                raise _refused(path, "[inventory]", error) from error
        for factor in inv.factors:
            EmissionFactor.objects.get_or_create(
                city=city, carrier=factor.carrier, year=factor.year,
                defaults={"t_co2_per_mwh": factor.t_co2_per_mwh, "source": ILLUSTRATIVE},
            )
        strategies = Strategy.objects.filter(city=city).order_by("-is_published", "pk")
        if spec.strategy:
            strategies = strategies.filter(slug=spec.strategy)
        strategy = strategies.first()
        scenario, _ = Scenario.objects.get_or_create(
            city=city, slug=spec.slug,
            defaults={"title": spec.title, "inventory": inventory, "strategy": strategy,
                      "end_year": spec.end_year, "population_growth": spec.population_growth,
                      "is_published": True},
        )
        for order, measure in enumerate(content.measures):
            if Measure.objects.filter(scenario=scenario, name=measure.name).exists():
                continue
            action = None
            if measure.action and strategy is not None:
                action = Action.objects.filter(strategy__city=city, title=measure.action).first()
            try:
                services.add_measure(None, scenario, operator=True, action=action, order=order,
                                     **measure.model_dump(exclude_unset=True,
                                                          exclude={"action"}))
            except ValidationError as error:
                raise _refused(path, f"measure {measure.name!r}", error) from error
        if not scenario.runs.exists():
            services.run_scenario(None, scenario, samples=spec.samples, seed=spec.seed,
                                  operator=True)


def steps(data: Path = DEMO_DATA) -> list[Step]:
    """The demo steps; every file is read and checked here, before any step stores anything."""
    files = {code: (data / f"{code}.toml", read_city(data / f"{code}.toml")) for code in CITIES}
    return [
        ("Barcelona: emission scenario (illustrative inventory split)",
         partial(load_city, "barcelona", *files["barcelona"])),
        ("Paris: emission scenario (illustrative inventory split)",
         partial(load_city, "paris", *files["paris"])),
    ]


__all__ = ["DemoDataError", "steps"]
