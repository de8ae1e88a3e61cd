"""Demo strategies for Barcelona and Paris, read from the data files in ``demo_data/``.

The content (indicators, departments, strategies, themes, targets, actions, milestones) lives in
``demo_data/*.toml``; each file's ``[about]`` table says what in it is a published figure (with its
source) and what is illustrative. This module only reads a file, checks every record of it (a
bad file is refused with its name, the record and the field, before anything of it is stored)
and calls the strategy services. Every step is idempotent: loading twice changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import pydantic
from django.db import transaction

from urbis.demo.loader import DATA
from urbis.people import services as people
from urbis.people.models import Organisation
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import (
    Action,
    Framework,
    FundingSource,
    Indicator,
    Milestone,
    Observation,
    ProgressReport,
    Strategy,
    Target,
    Theme,
)

Step = tuple[str, Callable[[], None]]
DEMO_DATA = Path(__file__).with_name("demo_data")


# ---------------------------------------------------------------- reading a data file


class DemoDataError(Exception):
    """A demo data file is malformed; the message names the file, the record and the field.
    Nothing of the file was stored (a developer's error, so in English)."""


class Record(pydantic.BaseModel):
    """A record of a demo data file: no unknown field, no silent conversion ("3" is not 3)."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


class About(Record):
    """What in the file is real, with its source, and what is illustrative: every file says."""

    real: str = pydantic.Field(min_length=1)
    illustrative: str = pydantic.Field(min_length=1)


R = TypeVar("R", bound=Record)


def _record_name(raw: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """(the record an error is in, the field within it) for a pydantic error location."""
    record, field_from, node = "the file's top level", 0, raw
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict):
            kind = str(loc[i - 1]) if i else "record"
            name = next((node[k] for k in ("title", "slug", "name", "key") if k in node), None)
            record = f"{kind}[{part}]" + (f" {name!r}" if name is not None else "")
            field_from = i + 1
        elif isinstance(part, str) and i == 0 and isinstance(node, dict) and len(loc) > 1:
            record, field_from = f"[{part}]", 1
    field = ".".join(str(p) for p in loc[field_from:]) or "(the record itself)"
    return record, field


def read_data_file(path: Path, schema: type[R]) -> R:
    """The file at ``path`` read as TOML and checked against ``schema``, or DemoDataError."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DemoDataError(f"{path}: cannot be read as TOML: {error}") from error
    try:
        return schema.model_validate(raw)
    except pydantic.ValidationError as error:
        problems = []
        for item in error.errors():
            record, field = _record_name(raw, tuple(item["loc"]))
            problems.append(f"{path}: {record}, field '{field}': {item['msg']}")
        raise DemoDataError("\n".join(problems)) from error


def refuse(path: Path, record: str, field: str, reason: str) -> DemoDataError:
    return DemoDataError(f"{path}: {record}, field '{field}': {reason}")


# ---------------------------------------------------------------- what the files hold


class OwnIndicator(Record):
    name: str
    direction: Literal["up", "down"]
    theme: str


class IndicatorsFile(Record):
    about: About
    catalogue: dict[str, dict[str, str]]
    without_series: dict[str, list[str]] = {}
    own: dict[str, OwnIndicator]


class OrganisationData(Record):
    slug: str
    name: str
    kind: str
    city: str


class DepartmentsFile(Record):
    about: About
    organisations: list[OrganisationData]


class ThemeData(Record):
    key: str
    name: str
    kind: str
    order: int
    description: str = ""


class TargetData(Record):
    key: str | None = None
    title: str
    departments: list[str]
    theme: str | None = None
    kind: Literal["quantitative", "qualitative"]
    indicator: str | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    direction: Literal["up", "down"] | None = None
    description: str | None = None
    source: str | None = None
    same_source_as_strategy: bool = False


class MilestoneData(Record):
    title: str
    due: dt.date
    done: dt.date | None = None


class ActionData(Record):
    key: str | None = None
    title: str
    department: str
    partners: list[str] = []
    theme: str | None = None
    description: str | None = None
    is_technological: bool | None = None
    horizon: str | None = None
    status: str | None = None
    is_citizen_driven: bool | None = None
    is_ppp: bool | None = None
    funding: list[str] = []
    targets: list[str] = []
    depends_on: list[str] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    milestones: list[MilestoneData] = []


class StrategyData(Record):
    step: str
    city: str
    slug: str
    title: str
    vision: str
    start_year: int
    end_year: int
    source: str
    is_published: bool
    report_years: list[int] = []
    themes: list[ThemeData] = []
    targets: list[TargetData] = []
    actions: list[ActionData] = []


class StrategiesFile(Record):
    about: About
    strategies: list[StrategyData]


STRATEGY_FILES = ("barcelona.toml", "paris.toml")


def _choices(model: type[Any], field: str) -> set[str]:
    return {str(value) for value, _label in model._meta.get_field(field).choices}


def _check_choice(path: Path, record: str, field: str, value: str | None, allowed: set[str]
                  ) -> None:
    if value is not None and value not in allowed:
        raise refuse(path, record, field,
                     f"{value!r} is not one of {', '.join(sorted(allowed))}")


def _check_links(path: Path, strategies: list[StrategyData]) -> None:
    """Every key a record names (theme, targets, depends_on) is defined earlier in its strategy,
    and every coded value is one the model knows."""
    for i, strategy in enumerate(strategies):
        for j, theme in enumerate(strategy.themes):
            _check_choice(path, f"strategies[{i}].themes[{j}] {theme.name!r}", "kind",
                          theme.kind, _choices(Theme, "kind"))
        for j, action in enumerate(strategy.actions):
            record = f"strategies[{i}].actions[{j}] {action.title!r}"
            _check_choice(path, record, "horizon", action.horizon, _choices(Action, "horizon"))
            _check_choice(path, record, "status", action.status, _choices(Action, "status"))
            for kind in action.funding:
                _check_choice(path, record, "funding", kind, _choices(FundingSource, "kind"))
        themes = {t.key for t in strategy.themes}
        targets: set[str] = set()
        for j, target in enumerate(strategy.targets):
            record = f"strategies[{i}].targets[{j}] {target.title!r}"
            if target.theme is not None and target.theme not in themes:
                raise refuse(path, record, "theme", f"no theme with key {target.theme!r}")
            if target.same_source_as_strategy and target.source is not None:
                raise refuse(path, record, "source",
                             "give a source or same_source_as_strategy, not both")
            if target.key is not None:
                targets.add(target.key)
        actions: set[str] = set()
        for j, action in enumerate(strategy.actions):
            record = f"strategies[{i}].actions[{j}] {action.title!r}"
            if action.theme is not None and action.theme not in themes:
                raise refuse(path, record, "theme", f"no theme with key {action.theme!r}")
            for key in action.targets:
                if key not in targets:
                    raise refuse(path, record, "targets", f"no target with key {key!r}")
            for key in action.depends_on:
                if key not in actions:
                    raise refuse(path, record, "depends_on",
                                 f"no earlier action with key {key!r}")
            if action.key is not None:
                actions.add(action.key)


def read_strategies(path: Path) -> StrategiesFile:
    content = read_data_file(path, StrategiesFile)
    _check_links(path, content.strategies)
    return content


def _check_stored(path: Path, strategy: StrategyData) -> None:
    """The departments and indicators the records name exist (before anything is written)."""
    orgs = set(Organisation.objects.values_list("slug", flat=True))
    codes = set(Indicator.objects.values_list("code", flat=True))
    if not City.objects.filter(code=strategy.city).exists():
        raise refuse(path, f"strategy {strategy.slug!r}", "city", f"no city {strategy.city!r}")
    for target in strategy.targets:
        for slug in target.departments:
            if slug not in orgs:
                raise refuse(path, f"target {target.title!r}", "departments",
                             f"no organisation {slug!r}")
        if target.indicator is not None and target.indicator not in codes:
            raise refuse(path, f"target {target.title!r}", "indicator",
                         f"no indicator {target.indicator!r}")
    for action in strategy.actions:
        for field, slugs in (("department", [action.department]), ("partners", action.partners)):
            for slug in slugs:
                if slug not in orgs:
                    raise refuse(path, f"action {action.title!r}", field,
                                 f"no organisation {slug!r}")


# ---------------------------------------------------------------- loading


def load_catalogue() -> None:
    services.load_catalogue()


def _load_organisations(content: DepartmentsFile | None = None) -> None:
    if content is None:  # as the policy browser test calls it, before the policy demo
        content = read_data_file(DEMO_DATA / "departments.toml", DepartmentsFile)
    for org in content.organisations:
        if not Organisation.objects.filter(slug=org.slug, name=org.name, kind=org.kind).exists():
            people.upsert_organisation(
                name=org.name, slug=org.slug, kind=org.kind, city=City.objects.get(code=org.city)
            )


def _indicator_code(indicators: IndicatorsFile, city: str, code: str) -> str:
    return indicators.catalogue.get(city, {}).get(code) or f"{city}-{code.replace('_', '-')}"


def _load_observations(indicators: IndicatorsFile, city_code: str) -> None:
    city = City.objects.get(code=city_code)
    path = DATA / city_code / "indicators.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    units = {row["indicator"]: row["unit"] for row in rows}
    wanted = {row["indicator"] for row in rows} | set(indicators.without_series.get(city_code, []))
    with transaction.atomic():
        for code in sorted(wanted):
            full = _indicator_code(indicators, city_code, code)
            if full.startswith(f"{city_code}-") and code in indicators.own:
                own = indicators.own[code]
                Indicator.objects.update_or_create(
                    code=full,
                    defaults={
                        "city": city, "name": own.name, "unit": units.get(code, "%"),
                        "direction": own.direction, "theme": own.theme,
                        "framework": Framework.CUSTOM,
                        "definition": "As published by the source named with each figure.",
                    },
                )
        converted = [
            {
                "indicator": _indicator_code(indicators, city_code, row["indicator"]),
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
    milestones: tuple[tuple[str, dt.date, dt.date | None], ...] = (),
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
    for name, due_date, done_on in milestones:
        existing = Milestone.objects.filter(action=action, title=name).first()
        if existing is None or (existing.due_date, existing.done_on) != (due_date, done_on):
            services.save_milestone(by=None, action=action, title=name, due_date=due_date,
                                    done_on=done_on, milestone=existing)
    return action


def _load_strategy(path: Path, data: StrategyData) -> None:
    """One strategy of a file, all or nothing."""
    with transaction.atomic():
        _check_stored(path, data)
        strategy = _strategy(
            data.city, data.slug, title=data.title, vision=data.vision,
            start_year=data.start_year, end_year=data.end_year, source=data.source,
            is_published=data.is_published,
        )
        themes = {
            t.key: _theme(strategy, t.name, t.kind, t.order, t.description) for t in data.themes
        }
        targets: dict[str, Target] = {}
        for t in data.targets:
            fields = t.model_dump(exclude_unset=True, exclude={
                "key", "title", "departments", "theme", "same_source_as_strategy"})
            if t.theme is not None:
                fields["theme"] = themes[t.theme]
            if t.same_source_as_strategy:
                fields["source"] = data.source
            target = _target(strategy, t.title, t.departments, **fields)
            if t.key is not None:
                targets[t.key] = target
        actions: dict[str, Action] = {}
        for a in data.actions:
            fields = a.model_dump(exclude_unset=True, exclude={
                "key", "title", "department", "partners", "theme", "funding", "targets",
                "depends_on", "milestones"})
            if a.theme is not None:
                fields["theme"] = themes[a.theme]
            action = _action(
                strategy, a.title, department=a.department, partners=tuple(a.partners),
                milestones=tuple((m.title, m.due, m.done) for m in a.milestones),
                funding=tuple(a.funding), targets=tuple(targets[k] for k in a.targets),
                depends_on=tuple(actions[k] for k in a.depends_on), **fields,
            )
            if a.key is not None:
                actions[a.key] = action


def _reports(strategies: list[StrategyData]) -> None:
    """One published progress report per strategy and year named in its ``report_years``;
    published once."""
    for data in strategies:
        for year in data.report_years:
            strategy = Strategy.objects.get(city__code=data.city, slug=data.slug)
            title = f"{strategy.title}: {year}"
            if not ProgressReport.objects.filter(strategy=strategy, title=title).exists():
                services.publish_report(
                    by=None, strategy=strategy, period_start=dt.date(year, 1, 1),
                    period_end=dt.date(year, 12, 31), title=title,
                )


def steps(data: Path = DEMO_DATA) -> list[Step]:
    """The demo steps; every file is read and checked here, before any step stores anything."""
    indicators = read_data_file(data / "indicators.toml", IndicatorsFile)
    departments = read_data_file(data / "departments.toml", DepartmentsFile)
    files = [(data / name, read_strategies(data / name)) for name in STRATEGY_FILES]
    strategies = [s for _path, content in files for s in content.strategies]
    return [
        ("strategy: indicator catalogue", load_catalogue),
        ("strategy: departments", partial(_load_organisations, departments)),
        ("Barcelona: indicator observations",
         partial(_load_observations, indicators, "barcelona")),
        ("Paris: indicator observations", partial(_load_observations, indicators, "paris")),
        *((s.step, partial(_load_strategy, path, s))
          for path, content in files for s in content.strategies),
        ("strategy: progress reports", partial(_reports, strategies)),
    ]
