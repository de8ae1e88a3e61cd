"""Demo: the question bank, an attitude survey in Barcelona and Paris answered by SIMULATED
respondents (labelled so on every page and in the API), and case studies, living labs, pilots,
a hack day and a partnership, read from the data files in ``demo_data/``.

The district margins are the cities' published district populations (the places demo data, with
their sources); the age and sex split is illustrative and marked so. Respondents are drawn by
``urbis.engines.survey.simulate`` with a known city difference (Barcelona +0.7 on the log-odds
of agreeing, before composition) and an over-representation of older people and women, so that
weighting and the comparison model have something to recover: the figures of that simulation
are in ``demo_data/survey.toml``. Each file's ``[about]`` table says what in it is published
(with its source) and what is illustrative. This module only reads the files, checks every
record (a bad file is refused with its name, the record and the field, before anything of it
is stored) and calls the insight services. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
from django.core.exceptions import ValidationError
from django.db import transaction

from urbis.engines.survey import simulate
from urbis.insight import services
from urbis.insight.models import QuestionKind, QuestionVersion, Survey
from urbis.places.models import Area, City
from urbis.strategy.demo import About, DemoDataError, Record, read_data_file, refuse

Step = tuple[str, Callable[[], None]]
DEMO_DATA = Path(__file__).with_name("demo_data")
CITIES = ("barcelona", "paris")


# ---------------------------------------------------------------- what the files hold


class SurveyData(Record):
    slug: str
    title: str
    opens: dt.datetime
    closes: dt.datetime


class SimulationData(Record):
    respondents: int = pydantic.Field(ge=1)
    seed_base: int
    city_effect: dict[str, float]


class MarginsData(Record):
    source: str = pydantic.Field(min_length=1)
    age: dict[str, float]
    sex: dict[str, float]


class QuestionData(Record):
    key: str
    effect: float
    required: bool = True


class SurveyFile(Record):
    about: About
    survey: SurveyData
    simulation: SimulationData
    margins: MarginsData
    questions: list[QuestionData] = pydantic.Field(min_length=1)


class SourceData(Record):
    title: str = pydantic.Field(min_length=1)
    url: str


class CaseStudyData(Record):
    city: str
    slug: str
    title: str
    place_name: str
    theme: str
    method: str | None = None
    problem: str
    what_was_done: str
    results: str
    sources: list[SourceData]


class LivingLabData(Record):
    city: str
    slug: str
    name: str
    host: str
    themes: str
    space: str
    source: str


class AdoptionData(Record):
    city: str
    slug: str
    is_illustrative: bool


class PilotData(Record):
    city: str
    slug: str
    title: str
    theme: str
    goals: str
    indicators: list[str]
    source: str
    decision: str | None = None
    adoptions: list[AdoptionData] = []


class InitiativeData(Record):
    title: str
    summary: str


class HackDayData(Record):
    city: str
    slug: str
    theme: str
    held_on: dt.date
    participants: int = pydantic.Field(ge=0)
    lab: str
    is_illustrative: bool
    outputs: str
    initiatives: list[InitiativeData] = []


class PartnershipData(Record):
    mentor: str
    follower: str
    theme: str
    goals: str
    started_on: dt.date
    is_illustrative: bool


class PracticesFile(Record):
    about: About
    case_studies: list[CaseStudyData] = []
    living_labs: list[LivingLabData] = []
    pilots: list[PilotData] = []
    hack_days: list[HackDayData] = []
    partnerships: list[PartnershipData] = []


def read_survey(path: Path = DEMO_DATA / "survey.toml") -> SurveyFile:
    content = read_data_file(path, SurveyFile)
    for variable in ("age", "sex"):
        total = sum(getattr(content.margins, variable).values())
        if abs(total - 1) > 1e-9:
            raise refuse(path, "[margins]", variable,
                         f"the shares add up to {round(total, 9):g}, not 1")
    for code in CITIES:
        if code not in content.simulation.city_effect:
            raise refuse(path, "[simulation]", "city_effect", f"no effect for {code!r}")
    return content


def read_practices(path: Path = DEMO_DATA / "practices.toml") -> PracticesFile:
    content = read_data_file(path, PracticesFile)
    labs = {(lab.city, lab.slug) for lab in content.living_labs}
    for i, hack in enumerate(content.hack_days):
        if (hack.city, hack.lab) not in labs:
            raise refuse(path, f"hack_days[{i}] {hack.slug!r}", "lab",
                         f"no living lab {hack.lab!r} of {hack.city!r} in this file")
    return content


# ---------------------------------------------------------------- the simulated survey


def _margins(city: City, margins: MarginsData) -> dict[str, int]:
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
    for variable, shares in (("age", margins.age), ("sex", margins.sex)):
        counts = {k: int(round(total * v)) for k, v in shares.items()}
        # Keep every margin's total equal (raking needs it): the rounding goes to the last cell.
        last = list(counts)[-1]
        counts[last] += total - sum(counts.values())
        services.set_margins(by=None, city=city, variable=variable, counts=counts,
                             source=margins.source, is_illustrative=True, operator=True)
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


def _versions(path: Path, content: SurveyFile) -> list[QuestionVersion]:
    versions = []
    for question in content.questions:
        try:
            versions.append(services.version_by_key(question.key))
        except ValidationError as error:
            raise refuse(path, f"question {question.key!r}", "key",
                         "no such question version in the question bank") from error
    return versions


def load_city(code: str, path: Path, content: SurveyFile) -> None:
    services.load_question_bank()
    versions = _versions(path, content)
    spec, sim = content.survey, content.simulation
    city = City.objects.get(code=code)
    with transaction.atomic():
        districts = _margins(city, content.margins)
        if not districts:
            return
        survey = Survey.objects.filter(city=city, slug=spec.slug).first()
        if survey is not None and survey.responses.exists():
            services.refresh_results(by=None, survey=survey, operator=True)
            return
        if survey is None:
            survey = services.create_survey(
                by=None, operator=True, city=city, slug=spec.slug, title=spec.title,
                opens=spec.opens, closes=spec.closes,
                questions=[(q.key, q.required) for q in content.questions],
                is_simulated=True,
            )
        rng = np.random.default_rng(sim.seed_base + len(code))
        population = {
            (age, sex, d): districts[d] * a_share * s_share
            for d in districts for age, a_share in content.margins.age.items()
            for sex, s_share in content.margins.sex.items()
        }
        sim_city = simulate.SimulatedCity(code, tuple(districts), population,
                                          sim.city_effect[code])
        sample = simulate.draw([sim_city], sim.respondents, len(content.questions), rng,
                               question_effects=np.array([q.effect for q in content.questions]))
        rows = [
            {"age_band": str(sample.age[i]), "sex": str(sample.sex[i]),
             "district": str(sample.district[i]),
             "answers": {v.key: _answer(v, bool(sample.answers[i, q]), rng)
                         for q, v in enumerate(versions)}}
            for i in range(sim.respondents)
        ]
        services.store_simulated_responses(survey, rows)
        services.refresh_results(by=None, survey=survey, operator=True)


# ---------------------------------------------------------------- practices


def _city(path: Path, record: str, field: str, code: str) -> City:
    city = City.objects.filter(code=code).first()
    if city is None:
        raise refuse(path, record, field, f"no city {code!r}")
    return city


def load_practices(path: Path = DEMO_DATA / "practices.toml",
                   content: PracticesFile | None = None) -> None:
    """Published case studies with their sources, the cities' living labs, the Poblenou
    superblock pilot, and an ILLUSTRATIVE adoption of it by Paris, an ILLUSTRATIVE hack day in
    Barcelona's lab and an ILLUSTRATIVE partnership (labelled so)."""
    if content is None:
        content = read_practices(path)
    from urbis.insight.models import (
        CaseStudy,
        HackDay,
        LivingLab,
        Partnership,
        Pilot,
    )

    if any(not City.objects.filter(code=code).exists() for code in CITIES):
        return
    with transaction.atomic():
        for case in content.case_studies:
            if CaseStudy.objects.filter(slug=case.slug).exists():
                continue
            city = _city(path, f"case study {case.slug!r}", "city", case.city)
            fields: dict[str, Any] = case.model_dump(exclude_unset=True, exclude={"city"})
            services.create_case_study(by=None, operator=True, city=city, **fields)
        for lab in content.living_labs:
            city = _city(path, f"living lab {lab.slug!r}", "city", lab.city)
            LivingLab.objects.get_or_create(
                city=city, slug=lab.slug,
                defaults=lab.model_dump(exclude={"city", "slug"}))
        for data in content.pilots:
            city = _city(path, f"pilot {data.slug!r}", "city", data.city)
            pilot = Pilot.objects.filter(city=city, slug=data.slug).first()
            if pilot is None:
                pilot = services.create_pilot(
                    by=None, operator=True, city=city,
                    **data.model_dump(exclude={"city", "decision", "adoptions"}))
                if data.decision:
                    pilot.decision = data.decision
                    pilot.save(update_fields=["decision"])
            for adoption in data.adoptions:
                record = f"pilot {data.slug!r}"
                adopter = _city(path, record, "adoptions.city", adoption.city)
                if not Pilot.objects.filter(city=adopter, slug=adoption.slug).exists():
                    services.adopt_pilot(by=None, operator=True, pilot=pilot, city=adopter,
                                         slug=adoption.slug,
                                         is_illustrative=adoption.is_illustrative)
        for hack in content.hack_days:
            city = _city(path, f"hack day {hack.slug!r}", "city", hack.city)
            if HackDay.objects.filter(city=city, slug=hack.slug).exists():
                continue
            saved = services.save_hack_day(
                by=None, operator=True, city=city,
                lab=LivingLab.objects.get(city=city, slug=hack.lab),
                **hack.model_dump(exclude={"city", "lab", "initiatives"}))
            for initiative in hack.initiatives:
                services.add_initiative(by=None, operator=True, hack_day=saved,
                                        **initiative.model_dump())
        for link in content.partnerships:
            record = f"partnership {link.mentor}-{link.follower}"
            mentor = _city(path, record, "mentor", link.mentor)
            follower = _city(path, record, "follower", link.follower)
            if not Partnership.objects.filter(mentor=mentor, follower=follower).exists():
                services.create_partnership(
                    by=None, operator=True, mentor=mentor, follower=follower,
                    **link.model_dump(exclude={"mentor", "follower"}))


def _load_rent_evaluation() -> None:
    """The Poblenou superblock pilot evaluated on measured rents (a real, published series;
    the comparison is observational and says so), once the pilot is stored."""
    from urbis.insight.evaluation_data import load_poblenou_rent_evaluation

    city = City.objects.filter(code="barcelona").first()
    if city is not None:
        load_poblenou_rent_evaluation(city)


def steps(data: Path = DEMO_DATA) -> list[Step]:
    """The demo steps; every file is read and checked here, before any step stores anything."""
    practices = data / "practices.toml", read_practices(data / "practices.toml")
    survey = data / "survey.toml", read_survey(data / "survey.toml")
    return [
        ("Case studies, living labs and pilots (sourced; Paris's adoption illustrative)",
         partial(load_practices, *practices)),
        ("Barcelona: rent per m² in Sant Martí (Open Data BCN) and the Poblenou pilot's "
         "observed difference-in-differences", _load_rent_evaluation),
        ("Barcelona: attitude survey (simulated respondents)",
         partial(load_city, "barcelona", *survey)),
        ("Paris: attitude survey (simulated respondents)", partial(load_city, "paris", *survey)),
    ]


__all__ = ["DemoDataError", "steps"]
