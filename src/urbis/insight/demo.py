"""Demo: the question bank, and an attitude survey in Barcelona and Paris answered by SIMULATED
respondents (labelled so on every page and in the API).

The district margins are the cities' published district populations (the places demo data, with
their sources); the age and sex split is illustrative and marked so. Respondents are drawn by
``urbis.engines.survey.simulate`` with a known city difference (Barcelona +0.7 on the log-odds
of agreeing, before composition) and an over-representation of older people and women, so that
weighting and the comparison model have something to recover. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import numpy as np

from urbis.engines.survey import simulate
from urbis.insight import services
from urbis.insight.models import QuestionKind, QuestionVersion, Survey
from urbis.places.models import Area, City

Step = tuple[str, Callable[[], None]]

RESPONDENTS = 600
CITY_EFFECT = {"barcelona": 0.7, "paris": 0.0}  # the simulation's known truth
AGE_SHARE = {"16-29": 0.20, "30-44": 0.27, "45-64": 0.32, "65+": 0.21}
SEX_SHARE = {"female": 0.53, "male": 0.47}
ILLUSTRATIVE_SOURCE = "Illustrative age and sex split for the demo, not published figures"
QUESTIONS = [
    "energy-concern.v1", "energy-renovation-willing.v1", "energy-solar-interest.v1",
    "energy-heating-setpoint.v1", "mobility-main-mode.v1", "mobility-car-free-streets.v1",
    "mobility-options-used.v1", "trust-city-climate.v1", "trust-data-use.v1",
    "participation-willing.v1", "participation-past.v1",
]
# Intercepts per question (log-odds), part of the simulation.
QUESTION_EFFECT = [0.3, -0.2, -1.2, 0.0, 0.2, 0.1, -1.0, -0.3, -0.1, 0.0, -0.8]


def _margins(city: City) -> dict[str, int]:
    districts = {
        a.name: int(a.population)
        for a in Area.objects.filter(city=city, level="district").exclude(population=None)
        if a.population
    }
    source = (
        Area.objects.filter(city=city, level="district").exclude(population_source="")
        .values_list("population_source", flat=True).first() or "places demo data"
    )
    total = sum(v for v in districts.values() if v)
    services.set_margins(by=None, city=city, variable="district",
                         counts={k: int(v) for k, v in districts.items() if v},
                         source=source, operator=True)
    for variable, shares in (("age", AGE_SHARE), ("sex", SEX_SHARE)):
        counts = {k: int(round(total * v)) for k, v in shares.items()}
        # Keep every margin's total equal (raking needs it): the rounding goes to the last cell.
        last = list(counts)[-1]
        counts[last] += total - sum(counts.values())
        services.set_margins(by=None, city=city, variable=variable, counts=counts,
                             source=ILLUSTRATIVE_SOURCE, is_illustrative=True, operator=True)
    return districts


def _answer(version: QuestionVersion, yes: bool, rng: np.random.Generator) -> object:
    if version.kind == QuestionKind.LIKERT:
        return str(rng.choice(["4", "5"]) if yes else rng.choice(["1", "2", "3"]))
    if version.kind == QuestionKind.NUMBER:
        return float(np.clip(round(rng.normal(20.5 if yes else 19.5, 1.5), 1), 10, 30))
    codes = version.option_codes()
    positive = [c for c in codes if c in version.positive]
    negative = [c for c in codes if c not in version.positive]
    if version.kind == QuestionKind.MULTIPLE:
        if yes:
            return [str(c) for c in rng.choice(positive, size=int(rng.integers(1, len(positive)
                                                                                + 1)),
                                                 replace=False)]
        return ["none"] if "none" in codes else [str(rng.choice(negative))]
    return str(rng.choice(positive if yes else negative))


def load_city(code: str) -> None:
    services.load_question_bank()
    city = City.objects.get(code=code)
    districts = _margins(city)
    if not districts:
        return
    survey = Survey.objects.filter(city=city, slug="attitudes-2026").first()
    if survey is not None and survey.responses.exists():
        services.refresh_results(by=None, survey=survey, operator=True)
        return
    if survey is None:
        survey = services.create_survey(
            by=None, operator=True, city=city, slug="attitudes-2026",
            title="Energy and mobility attitudes 2026 (simulated respondents)",
            opens=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            closes=dt.datetime(2026, 4, 30, tzinfo=dt.UTC),
            questions=[(k, k != "energy-heating-setpoint.v1") for k in QUESTIONS],
            is_simulated=True,
        )
    rng = np.random.default_rng(20 + len(code))
    population = {
        (age, sex, d): districts[d] * a_share * s_share
        for d in districts for age, a_share in AGE_SHARE.items()
        for sex, s_share in SEX_SHARE.items()
    }
    sim_city = simulate.SimulatedCity(code, tuple(districts), population, CITY_EFFECT[code])
    sample = simulate.draw([sim_city], RESPONDENTS, len(QUESTIONS), rng,
                           question_effects=np.array(QUESTION_EFFECT))
    versions = [services.version_by_key(k) for k in QUESTIONS]
    rows = [
        {"age_band": str(sample.age[i]), "sex": str(sample.sex[i]),
         "district": str(sample.district[i]),
         "answers": {v.key: _answer(v, bool(sample.answers[i, q]), rng)
                     for q, v in enumerate(versions)}}
        for i in range(RESPONDENTS)
    ]
    services.store_simulated_responses(survey, rows)
    services.refresh_results(by=None, survey=survey, operator=True)


def load_practices() -> None:
    """Published case studies with their sources, the cities' living labs, the Poblenou
    superblock pilot, and an ILLUSTRATIVE adoption of it by Paris and an ILLUSTRATIVE hack day
    in Barcelona's lab (labelled so)."""
    from urbis.insight.models import CaseStudy, LivingLab, Pilot

    barcelona = City.objects.filter(code="barcelona").first()
    paris = City.objects.filter(code="paris").first()
    if barcelona is None or paris is None:
        return
    if not CaseStudy.objects.filter(slug="barcelona-superblocks").exists():
        services.create_case_study(
            by=None, operator=True, city=barcelona, slug="barcelona-superblocks",
            title="Superblocks (Superilles) in Barcelona", place_name="Barcelona",
            theme="mobility",
            problem="Streets given over to through traffic: noise, air pollution, heat and "
                    "little green or play space.",
            what_was_done="The city closes the inner streets of groups of blocks (about "
                          "400 × 400 m) to through traffic and gives them to people, greenery "
                          "and play, under the 2016 government measure on superblocks; "
                          "Poblenou was the first, in 2016.",
            results="A health impact assessment estimated that the 503 superblocks then "
                    "planned could prevent about 667 premature deaths a year (modelled, "
                    "Mueller et al. 2020).",
            sources=[
                {"title": "Mueller, N. et al. (2020), Changing the urban design of cities for "
                          "health: The superblock model, Environment International 134, "
                          "105132", "url": "https://doi.org/10.1016/j.envint.2019.105132"},
                {"title": "Ajuntament de Barcelona (2016), Omplim de vida els carrers. La "
                          "implantació de les superilles a Barcelona (government measure)",
                 "url": ""},
            ],
        )
    if not CaseStudy.objects.filter(slug="paris-participatory-budget").exists():
        services.create_case_study(
            by=None, operator=True, city=paris, slug="paris-participatory-budget",
            title="Participatory budget of Paris", place_name="Paris", theme="participation",
            method="participatory-budgeting",
            problem="Residents had little say over how the city's investment budget is spent "
                    "in their neighbourhoods.",
            what_was_done="Since 2014 Parisians propose investment projects, the city checks "
                          "their feasibility and residents vote; the winning projects are "
                          "built.",
            results="The city committed 5 % of its investment budget over 2014–2020, about "
                    "EUR 500 million, to projects chosen by residents.",
            sources=[{"title": "Ville de Paris, Budget participatif",
                      "url": "https://budgetparticipatif.paris.fr/"}],
        )
    LivingLab.objects.get_or_create(
        city=barcelona, slug="urban-lab",
        defaults={"name": "Barcelona Urban Lab", "host": "Ajuntament de Barcelona",
                  "themes": "public space, mobility, energy",
                  "space": "streets and public buildings of the city used as test sites",
                  "source": "Ajuntament de Barcelona, Barcelona Urban Lab programme"})
    LivingLab.objects.get_or_create(
        city=paris, slug="paris-and-co-urban-lab",
        defaults={"name": "Urban Lab (Paris&Co)", "host": "Paris&Co",
                  "themes": "urban services, mobility, energy",
                  "space": "experiments on sites across Paris",
                  "source": "Paris&Co, Urban Lab (https://www.parisandco.paris/)"})
    pilot = Pilot.objects.filter(city=barcelona, slug="poblenou-superblock").first()
    if pilot is None:
        pilot = services.create_pilot(
            by=None, operator=True, city=barcelona, slug="poblenou-superblock",
            title="Poblenou superblock", theme="mobility",
            goals="Take through traffic out of the inner streets of nine blocks and give the "
                  "space to residents.",
            indicators=["traffic in inner streets", "NO2 concentration", "space for people"],
            source="Ajuntament de Barcelona (2016), government measure on superblocks",
        )
        pilot.decision = Pilot.Decision.SCALE
        pilot.save(update_fields=["decision"])
    if not Pilot.objects.filter(city=paris, slug="superblock-illustrative").exists():
        services.adopt_pilot(by=None, operator=True, pilot=pilot, city=paris,
                             slug="superblock-illustrative", is_illustrative=True)
    from urbis.insight.models import HackDay, Partnership

    if not HackDay.objects.filter(city=barcelona, slug="energy-data-hack").exists():
        lab = LivingLab.objects.get(city=barcelona, slug="urban-lab")
        hack = services.save_hack_day(
            by=None, operator=True, city=barcelona, slug="energy-data-hack",
            theme="Open energy data (illustrative demo event)", held_on=dt.date(2026, 3, 14),
            participants=40, lab=lab, is_illustrative=True,
            outputs="Illustrative demo record: shows how a hack day's initiatives are recorded "
                    "and can become pilots.")
        services.add_initiative(by=None, operator=True, hack_day=hack,
                                title="Map of roofs suited to solar panels",
                                summary="Illustrative demo initiative.")
    if not Partnership.objects.filter(mentor=barcelona, follower=paris).exists():
        services.create_partnership(
            by=None, operator=True, mentor=barcelona, follower=paris, theme="mobility",
            goals="Illustrative demo partnership: share the superblock pilot's method and "
                  "evaluation.", started_on=dt.date(2026, 5, 1), is_illustrative=True)


def steps() -> list[Step]:
    return [
        ("Case studies, living labs and pilots (sourced; Paris's adoption illustrative)",
         load_practices),
        ("Barcelona: attitude survey (simulated respondents)", partial(load_city, "barcelona")),
        ("Paris: attitude survey (simulated respondents)", partial(load_city, "paris")),
    ]
