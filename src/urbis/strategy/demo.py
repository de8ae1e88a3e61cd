"""Demo strategies for Barcelona and Paris.

Targets and observations are the published figures of ``demo/data/<city>/targets.md`` and
``indicators.csv`` (docs/DATA.md, "Strategy demo", says how each was mapped). Actions,
milestones, their dates and their flags are illustrative demo content, labelled as such there.
Every step is idempotent: loading twice changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

from urbis.demo.loader import DATA
from urbis.people import services as people
from urbis.people.models import Organisation
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import (
    Action,
    Framework,
    Indicator,
    Milestone,
    Observation,
    ProgressReport,
    Strategy,
    Target,
    Theme,
)

Step = tuple[str, Callable[[], None]]

# Rows of indicators.csv → the indicator they are stored under. A catalogue code where the
# published figure means exactly what the catalogue indicator means; otherwise the city's own.
CATALOGUE_MAP = {
    ("barcelona", "final_energy_consumption"): "urbis-final-energy-consumption",
    ("barcelona", "final_energy_consumption_per_capita"):
        "urbis-final-energy-consumption-per-capita",
    ("barcelona", "renewable_energy_consumed"): "urbis-renewable-energy-consumed",
    ("barcelona", "ghg_emissions"): "urbis-ghg-emissions",
    ("barcelona", "ghg_emissions_per_capita"): "iso37120-8-3",
    ("barcelona", "cycle_lane_length"): "urbis-cycle-network-length",
    ("barcelona", "modal_share_walking"): "urbis-modal-share-walking",
    ("barcelona", "modal_share_public_transport"): "urbis-modal-share-public-transport",
    ("paris", "final_energy_consumption"): "urbis-final-energy-consumption",
    ("paris", "carbon_footprint"): "urbis-carbon-footprint",
}

# The city's own indicators: (code in indicators.csv) → (name, direction, theme).
OWN = {
    "local_electricity_generation": ("Local electricity generation", "up", "energy"),
    "local_electricity_generation_share_of_consumption": (
        "Local electricity generation as a share of electricity consumption", "up", "energy"),
    "renewable_share_of_local_electricity_generation": (
        "Renewable share of local electricity generation", "up", "energy"),
    "modal_share_bicycle_and_personal_mobility_vehicles": (
        "Share of trips by bicycle and personal mobility vehicles", "up", "mobility"),
    "no2_population_weighted_exposure": (
        "Population-weighted NO2 exposure", "down", "environment"),
    "no2_annual_mean_eixample_traffic_station": (
        "NO2 annual mean at the Eixample traffic station", "down", "environment"),
    "carbon_footprint_change_vs_2004": (
        "Carbon footprint, change since 2004", "down", "environment"),
    "final_energy_consumption_change_vs_2004": (
        "Final energy consumption, change since 2004", "down", "energy"),
    "renewable_and_recovered_energy_share": (
        "Renewable and recovered energy share of final energy consumption", "up", "energy"),
    "energy_from_waste_recovery": ("Energy recovered from waste", "up", "energy"),
    "local_renewable_energy_production": ("Local renewable energy production", "up", "energy"),
    "energy_consumption_transport": ("Energy consumption of transport", "down", "energy"),
    "energy_consumption_industry_and_utilities": (
        "Energy consumption of industry and utilities", "down", "energy"),
    "modal_share_walking_paris_residents": (
        "Share of trips on foot made by Paris residents", "up", "mobility"),
    "residential_final_energy_per_capita": (
        "Residential final energy consumption per inhabitant", "down", "buildings"),
    # Targets with no published series yet: defined so that the target can name them.
    "local_ghg_emissions_change_vs_2004": (
        "Local (intramuros) greenhouse-gas emissions, change since 2004", "down", "environment"),
}

DEPARTMENTS = (
    # (slug, name, kind, city): real public bodies of the demo cities.
    ("bcn-mobility", "Àrea de Mobilitat, Ajuntament de Barcelona", "city_department", "barcelona"),
    ("bcn-public-health-agency", "Agència de Salut Pública de Barcelona", "city_department",
     "barcelona"),
    ("bcn-tmb", "Transports Metropolitans de Barcelona", "business", "barcelona"),
    ("paris-roads-mobility", "Direction de la Voirie et des Déplacements, Ville de Paris",
     "city_department", "paris"),
    ("paris-architecture", "Direction Constructions Publiques et Architecture, Ville de Paris",
     "city_department", "paris"),
    ("paris-airparif", "Airparif", "ngo", "paris"),
)


def _indicator_code(city: str, code: str) -> str:
    return CATALOGUE_MAP.get((city, code)) or f"{city}-{code.replace('_', '-')}"


def load_catalogue() -> None:
    services.load_catalogue()


def _load_organisations() -> None:
    for slug, name, kind, city_code in DEPARTMENTS:
        if not Organisation.objects.filter(slug=slug, name=name, kind=kind).exists():
            people.upsert_organisation(
                name=name, slug=slug, kind=kind, city=City.objects.get(code=city_code)
            )


def _load_observations(city_code: str) -> None:
    city = City.objects.get(code=city_code)
    path = DATA / city_code / "indicators.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    units = {row["indicator"]: row["unit"] for row in rows}
    wanted = {row["indicator"] for row in rows} | (
        {"local_ghg_emissions_change_vs_2004"} if city_code == "paris" else set()
    )
    with transaction.atomic():
        for code in sorted(wanted):
            full = _indicator_code(city_code, code)
            if full.startswith(f"{city_code}-") and code in OWN:
                name, direction, theme = OWN[code]
                Indicator.objects.update_or_create(
                    code=full,
                    defaults={
                        "city": city, "name": name, "unit": units.get(code, "%"),
                        "direction": direction, "theme": theme, "framework": Framework.CUSTOM,
                        "definition": "As published by the source named with each figure.",
                    },
                )
        converted = [
            {
                "indicator": _indicator_code(city_code, row["indicator"]),
                "area_code": row["area_code"], "year": row["year"], "value": row["value"],
                "source": row["source"][:600],
            }
            for row in rows
        ]
        existing = {
            (o.indicator.code, o.date.year, o.value, o.source)
            for o in Observation.objects.filter(city=city).select_related("indicator")
        }
        if any(
            (r["indicator"], int(r["year"]), float(r["value"]), r["source"]) not in existing
            for r in converted
        ):
            services.upload_observations(by=None, city=city, rows=converted, file=path.name)


def _org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def _strategy(city_code: str, slug: str, **fields: Any) -> Strategy:
    city = City.objects.get(code=city_code)
    strategy = Strategy.objects.filter(city=city, slug=slug).first()
    current = {} if strategy is None else {k: getattr(strategy, k) for k in fields}
    if strategy is None or current != fields:
        strategy = services.save_strategy(by=None, city=city, strategy=strategy, slug=slug,
                                          **fields)
    if not strategy.is_illustrative:
        Strategy.objects.filter(pk=strategy.pk).update(is_illustrative=True)
        strategy.is_illustrative = True
    return strategy


def _theme(strategy: Strategy, name: str, kind: str, order: int, description: str = "") -> Theme:
    theme = Theme.objects.filter(strategy=strategy, name=name).first()
    if theme is None or (theme.kind, theme.order, theme.description) != (kind, order, description):
        theme = services.save_theme(by=None, strategy=strategy, name=name, kind=kind,
                                    order=order, description=description, theme=theme)
    return theme


def _target(strategy: Strategy, title: str, departments: list[str], **fields: Any) -> Target:
    target = Target.objects.filter(strategy=strategy, title=title).first()
    if "indicator" in fields and isinstance(fields["indicator"], str):
        fields["indicator"] = Indicator.objects.get(code=fields["indicator"])
    changed = target is None or any(getattr(target, k) != v for k, v in fields.items()) or (
        sorted(d.slug for d in target.departments.all()) != sorted(departments)
    )
    if changed:
        target = services.save_target(
            by=None, strategy=strategy, target=target, title=title,
            departments=[_org(s) for s in departments], **fields,
        )
    assert target is not None
    return target


def _action(
    strategy: Strategy, title: str, *, department: str, partners: tuple[str, ...] = (),
    milestones: tuple[tuple[str, str, str | None], ...] = (),
    funding: tuple[str, ...] = (), targets: tuple[Target, ...] = (),
    depends_on: tuple[Action, ...] = (), **fields: Any,
) -> Action:
    action = Action.objects.filter(strategy=strategy, title=title).first()
    fields["responsible_department"] = _org(department)
    if action is None or any(getattr(action, k) != v for k, v in fields.items()):
        action = services.save_action(
            by=None, strategy=strategy, action=action, title=title,
            partners=[_org(p) for p in partners], depends_on=list(depends_on),
            funding=[{"kind": k} for k in funding],
            impacts=[{"target": t} for t in targets], **fields,
        )
    assert action is not None
    for name, due, done in milestones:
        due_date = dt.date.fromisoformat(due)
        done_on = dt.date.fromisoformat(done) if done else None
        existing = Milestone.objects.filter(action=action, title=name).first()
        if existing is None or (existing.due_date, existing.done_on) != (due_date, done_on):
            services.save_milestone(by=None, action=action, title=name, due_date=due_date,
                                    done_on=done_on, milestone=existing)
    return action


# ---------------------------------------------------------------- Barcelona

BCN_TARGETS = "Barcelona targets.md"


def barcelona_strategy() -> None:
    strategy = _strategy(
        "barcelona", "pla-clima",
        title="Pla Clima 2018–2030 i Declaració d'Emergència Climàtica",
        vision=(
            "A city that halves its greenhouse-gas emissions, makes streets greener and safer "
            "for walking and cycling, produces more of its own renewable energy and protects "
            "its residents from heat — a fair transition in which neighbourhoods take part."
        ),
        start_year=2018, end_year=2030,
        source="Ajuntament de Barcelona, Pla Clima 2018-2030 and Declaració d'Emergència "
               "Climàtica (January 2020); targets as listed in demo/data/barcelona/targets.md",
        is_published=True,
    )
    climate = _theme(strategy, "Mitigació", "environment", 1,
                     "Cut greenhouse-gas emissions across the city.")
    mobility = _theme(strategy, "Mobilitat", "mobility", 2,
                      "Fewer car trips; more walking, cycling and public transport.")
    energy = _theme(strategy, "Energia", "energy", 3,
                    "Save energy and produce renewable energy in the city.")
    ghg = _target(
        strategy, "−50 % greenhouse-gas emissions by 2030 against 1992",
        ["bcn-energy-agency", "bcn-urban-ecology"],
        theme=climate, kind="quantitative", indicator="urbis-ghg-emissions",
        baseline_value=3.9, baseline_year=1992, target_value=1.95, target_year=2030,
        direction="down",
        description=(
            "Published as −50 % against 1992, 'about 1,950,000 t GHG' to cut. The 1992 level "
            "is not published in the demo sources; 3.9 Mt is derived as twice the published "
            "1.95 Mt cut, so baseline and target are approximate."
        ),
        source="Declaració d'Emergència Climàtica (January 2020), restated by the Ajuntament "
               "on 2021-01-08 (barcelona.cat/barcelona-pel-clima)",
    )
    cars = _target(
        strategy, "Car trips below 15 % of trips in the city by 2024",
        ["bcn-mobility"],
        theme=mobility, kind="quantitative", indicator="urbis-modal-share-car",
        baseline_value=None, baseline_year=None, target_value=15.0, target_year=2024,
        direction="down",
        description="The 2023 share was published only as 'less than 20 %', so there is no "
                    "baseline figure and no series to judge progress against.",
        source="Ajuntament de Barcelona, Pacte per la Mobilitat 2024-01-18 (Metrópoli Abierta)",
    )
    cycle = _target(
        strategy, "Cycle network of 272.6 km by the end of 2022",
        ["bcn-mobility"],
        theme=mobility, kind="quantitative", indicator="urbis-cycle-network-length",
        baseline_value=240.0, baseline_year=2021, target_value=272.6, target_year=2022,
        direction="up",
        source="Districte de Sant Andreu news, ajuntament.barcelona.cat/santandreu, 2022",
    )
    zbe = _action(
        strategy, "Zona de Baixes Emissions Rondes de Barcelona",
        department="bcn-mobility", partners=("bcn-public-health-agency",), theme=mobility,
        description="Low-emission zone inside the ring roads: the most polluting vehicles may "
                    "not drive on weekdays.",
        is_technological=False, horizon="short", status="completed",
        funding=("own_budget",), targets=(ghg, cars),
        start_date=dt.date(2019, 1, 1), end_date=dt.date(2020, 12, 31),
        milestones=(("Regulation approved", "2019-12-31", "2019-12-20"),
                    ("Restrictions in force", "2020-01-01", "2020-01-01")),
    )
    bike = _action(
        strategy, "Ampliació de la xarxa ciclable",
        department="bcn-mobility", theme=mobility, is_technological=False, horizon="medium",
        status="delayed", funding=("own_budget", "eu_fund"), targets=(cycle, cars),
        description="New protected cycle lanes to close the gaps in the network.",
        start_date=dt.date(2021, 1, 1), end_date=dt.date(2026, 12, 31),
        milestones=(("Gaps in the network mapped", "2021-06-30", "2021-06-15"),
                    ("Cross-district axes built", "2023-12-31", None),
                    ("Network complete", "2026-12-31", None)),
    )
    _action(
        strategy, "Programa Superilla Barcelona",
        department="bcn-urban-ecology", partners=("bcn-mobility",), theme=mobility,
        is_technological=False, horizon="long", status="in_progress", is_citizen_driven=True,
        funding=("own_budget",), targets=(cars, ghg), depends_on=(bike,),
        description="Superblocks: streets given back to people, designed with the residents of "
                    "each neighbourhood.",
        start_date=dt.date(2020, 1, 1), end_date=dt.date(2030, 12, 31),
        milestones=(("Neighbourhood design workshops", "2021-03-31", "2021-03-20"),
                    ("First green axes open", "2023-06-30", "2023-06-30"),
                    ("Extension to further districts", "2026-12-31", None)),
    )
    _action(
        strategy, "Barcelona Energia, comercialitzadora pública",
        department="bcn-energy-agency", theme=energy, is_technological=True,
        horizon="medium", status="in_progress", funding=("own_budget",), targets=(ghg,),
        description="The city's public electricity retailer supplies renewable electricity to "
                    "municipal buildings and households.",
        start_date=dt.date(2018, 7, 1),
        milestones=(("Supply to municipal buildings", "2018-12-31", "2018-12-31"),
                    ("Open to households", "2019-12-31", "2019-12-31")),
    )
    _action(
        strategy, "Plaques solars a les cobertes municipals",
        department="bcn-energy-agency", partners=("bcn-tmb",), theme=energy,
        is_technological=True, horizon="medium", status="in_progress", is_ppp=True,
        funding=("own_budget", "eu_fund", "private"), targets=(ghg,),
        description="Solar panels on municipal roofs and public-transport depots, built and "
                    "run with private partners.",
        start_date=dt.date(2019, 1, 1), end_date=dt.date(2027, 12, 31),
        milestones=(("Roof survey", "2019-12-31", "2020-03-31"),
                    ("First 50 roofs", "2024-12-31", None)),
    )
    _action(
        strategy, "Comunitats energètiques als barris",
        department="bcn-energy-agency", theme=energy, is_technological=True, horizon="long",
        status="planned", is_citizen_driven=True, is_ppp=True,
        funding=("eu_fund", "private"), targets=(ghg,),
        description="Residents and local businesses share solar installations in their "
                    "neighbourhood.",
        milestones=(("Call for pilot communities", "2027-03-31", None),),
    )
    _ = zbe


# ---------------------------------------------------------------- Paris

PARIS_PLAN = (
    "Plan Climat Air Énergie Territorial adopted by the Conseil de Paris in March 2018 "
    "(Batiactu 2017-11-07; Urbapress 2017-11; RTL 2017-11-21), see demo/data/paris/targets.md"
)


def paris_strategy() -> None:
    strategy = _strategy(
        "paris", "plan-climat",
        title="Plan Climat Air Énergie de Paris",
        vision=(
            "Une ville neutre en carbone et 100 % énergies renouvelables en 2050, qui respire "
            "un air sain et protège ses habitants des vagues de chaleur."
        ),
        start_year=2018, end_year=2050, source=PARIS_PLAN, is_published=True,
    )
    climat = _theme(strategy, "Climat", "environment", 1, "Neutralité carbone en 2050.")
    energie = _theme(strategy, "Énergie", "energy", 2,
                     "Sobriété, efficacité et énergies renouvelables.")
    batiments = _theme(strategy, "Bâtiments", "buildings", 3, "Rénover le parc bâti.")
    mobilite = _theme(strategy, "Mobilité", "mobility", 4, "Marche, vélo, transports publics.")
    air = _theme(strategy, "Air", "environment", 5, "Un air sain.")
    depts = ["paris-ecological-transition", "paris-roads-mobility"]
    ghg30 = _target(
        strategy, "−50 % d'émissions locales de gaz à effet de serre en 2030 (base 2004)", depts,
        theme=climat, kind="quantitative", indicator="paris-local-ghg-emissions-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-50.0, target_year=2030,
        direction="down", source=PARIS_PLAN,
        description="No published series of local (intramuros) emissions was found for the demo.",
    )
    _target(
        strategy, "Zéro émission locale en 2050 (base 2004)", depts,
        theme=climat, kind="quantitative", indicator="paris-local-ghg-emissions-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-100.0, target_year=2050,
        direction="down", source=PARIS_PLAN,
    )
    footprint = _target(
        strategy, "−80 % d'empreinte carbone en 2050 (base 2004)", depts,
        theme=climat, kind="quantitative", indicator="paris-carbon-footprint-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-80.0, target_year=2050,
        direction="down", source=PARIS_PLAN,
    )
    energy30 = _target(
        strategy, "−35 % de consommation d'énergie en 2030 (base 2004)",
        ["paris-ecological-transition", "paris-architecture"],
        theme=energie, kind="quantitative",
        indicator="paris-final-energy-consumption-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-35.0, target_year=2030,
        direction="down", source=PARIS_PLAN,
    )
    _target(
        strategy, "−50 % de consommation d'énergie en 2050 (base 2004)",
        ["paris-ecological-transition", "paris-architecture"],
        theme=energie, kind="quantitative",
        indicator="paris-final-energy-consumption-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-50.0, target_year=2050,
        direction="down", source=PARIS_PLAN,
    )
    renew30 = _target(
        strategy, "45 % d'énergies renouvelables dans la consommation en 2030",
        ["paris-ecological-transition"],
        theme=energie, kind="quantitative",
        indicator="paris-renewable-and-recovered-energy-share",
        baseline_value=10.0, baseline_year=2004, target_value=45.0, target_year=2030,
        direction="up", source=PARIS_PLAN,
        description="Of which 10 % produced locally. Measured with the renewable and recovered "
                    "share, the series the city published for 2004 and 2014 (baseline: 2004).",
    )
    _target(
        strategy, "100 % d'énergies renouvelables dans la consommation en 2050",
        ["paris-ecological-transition"],
        theme=energie, kind="quantitative",
        indicator="paris-renewable-and-recovered-energy-share",
        baseline_value=10.0, baseline_year=2004, target_value=100.0, target_year=2050,
        direction="up", source=PARIS_PLAN,
        description="Of which 20 % produced locally.",
    )
    solar = _target(
        strategy, "20 % des toits de Paris équipés d'installations solaires en 2050",
        ["paris-architecture"],
        theme=batiments, kind="qualitative", target_year=2050, source=PARIS_PLAN,
        description="No published series of equipped roofs was found; not assessed yet.",
    )
    _target(
        strategy, "Respecter les recommandations de l'OMS pour la qualité de l'air en 2030",
        ["paris-ecological-transition"], theme=air, kind="qualitative", target_year=2030,
        source=PARIS_PLAN,
    )
    velo = _action(
        strategy, "Plan Vélo", department="paris-roads-mobility", theme=mobilite,
        is_technological=False, horizon="medium", status="in_progress",
        funding=("own_budget", "national"), targets=(ghg30, energy30),
        description="Protected cycle lanes across Paris and towards the suburbs.",
        start_date=dt.date(2021, 1, 1), end_date=dt.date(2026, 12, 31),
        milestones=(("Cycle lanes of the first axes", "2022-12-31", "2022-12-31"),
                    ("Network of the plan complete", "2026-12-31", None)),
    )
    _action(
        strategy, "Rues aux écoles", department="paris-roads-mobility", theme=mobilite,
        is_technological=False, horizon="short", status="in_progress", is_citizen_driven=True,
        funding=("own_budget",), targets=(ghg30,), depends_on=(velo,),
        description="Streets in front of schools closed to traffic, at the request of parents "
                    "and neighbours.",
        milestones=(("First school streets", "2021-09-30", "2021-09-01"),
                    ("Greening of school streets", "2024-09-30", None)),
    )
    _action(
        strategy, "Éco-rénovons Paris", department="paris-ecological-transition",
        partners=("paris-climate-agency",), theme=batiments, is_technological=True,
        horizon="long", status="in_progress", is_ppp=True,
        funding=("own_budget", "private", "loan"), targets=(energy30, footprint),
        description="Support for the energy renovation of private condominiums, financed with "
                    "the owners and banks.",
        milestones=(("Support office open", "2016-12-31", "2016-12-31"),
                    ("Renovation works in the first condominiums", "2025-06-30", None)),
    )
    _action(
        strategy, "Rénovation énergétique des écoles", department="paris-architecture",
        theme=batiments, is_technological=True, horizon="long", status="in_progress",
        funding=("own_budget", "eu_fund"), targets=(energy30, solar),
        description="Insulation, ventilation and solar roofs on municipal schools.",
        milestones=(("Audit of school buildings", "2019-12-31", "2020-06-30"),
                    ("First 100 schools renovated", "2024-12-31", None)),
    )
    _action(
        strategy, "Budget participatif : projets pour le climat",
        department="paris-ecological-transition", theme=climat, is_technological=False,
        horizon="short", status="in_progress", is_citizen_driven=True,
        funding=("own_budget",), targets=(ghg30, renew30),
        description="Residents propose and vote for climate projects funded by the city.",
        milestones=(("Vote on the projects", "2025-10-15", "2025-10-15"),),
    )
    _action(
        strategy, "Verdissement du réseau de chaleur", department="paris-ecological-transition",
        theme=energie, is_technological=True, horizon="long", status="planned", is_ppp=True,
        funding=("private", "loan"), targets=(renew30,),
        description="More renewable and recovered heat in the district heating network, run "
                    "under a public service concession.",
        milestones=(("New concession contract", "2027-12-31", None),),
    )


def paris_earlier_plan() -> None:
    """The 2007 plan (updated 2012): its 2020 targets have passed, so its page shows how
    Urbis judges a target whose year is over."""
    strategy = _strategy(
        "paris", "plan-climat-2007",
        title="Plan Climat Énergie de Paris (2007, actualisé 2012)",
        vision="Le plan « 3 × 25 » : −25 % d'émissions, −25 % de consommation d'énergie et 25 % "
               "d'énergies renouvelables et de récupération en 2020.",
        start_year=2007, end_year=2020,
        source="Energy Cities; Europe 1 (2016); Ville de Paris, Bilan du Plan Climat Énergie "
               "2004-2014 (2016); see demo/data/paris/targets.md",
        is_published=True,
    )
    depts = ["paris-ecological-transition", "paris-architecture"]
    _target(
        strategy, "−25 % d'émissions de gaz à effet de serre en 2020 (base 2004)", depts,
        kind="quantitative", indicator="paris-carbon-footprint-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-25.0, target_year=2020,
        direction="down",
        description="Measured with the territory's carbon footprint (Bilan Carbone®), the "
                    "balance the city published for 2014 and 2018.",
    )
    _target(
        strategy, "−25 % de consommation d'énergie en 2020 (base 2004)", depts,
        kind="quantitative", indicator="paris-final-energy-consumption-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-25.0, target_year=2020,
        direction="down",
    )
    _target(
        strategy, "25 % d'énergies renouvelables et de récupération en 2020", depts,
        kind="quantitative", indicator="paris-renewable-and-recovered-energy-share",
        baseline_value=10.0, baseline_year=2004, target_value=25.0, target_year=2020,
        direction="up",
    )
    _target(
        strategy, "−75 % d'émissions en 2050 (facteur 4, base 2004)", depts,
        kind="quantitative", indicator="paris-carbon-footprint-change-vs-2004",
        baseline_value=0.0, baseline_year=2004, target_value=-75.0, target_year=2050,
        direction="down",
    )


def reports() -> None:
    """One published progress report per demo strategy, for 2024; published once."""
    for strategy in Strategy.objects.filter(slug__in=["pla-clima", "plan-climat"]):
        title = f"{strategy.title}: 2024"
        if not ProgressReport.objects.filter(strategy=strategy, title=title).exists():
            services.publish_report(
                by=None, strategy=strategy, period_start=dt.date(2024, 1, 1),
                period_end=dt.date(2024, 12, 31), title=title,
            )


def steps() -> list[Step]:
    return [
        ("strategy: indicator catalogue", load_catalogue),
        ("strategy: departments", _load_organisations),
        ("Barcelona: indicator observations", partial(_load_observations, "barcelona")),
        ("Paris: indicator observations", partial(_load_observations, "paris")),
        ("Barcelona: strategy", barcelona_strategy),
        ("Paris: strategy", paris_strategy),
        ("Paris: earlier climate plan", paris_earlier_plan),
        ("strategy: progress reports", reports),
    ]
