"""Every write of the strategy app: validated first, stored in one transaction, and for
strategies, targets and actions recorded field by field in the change history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from urbis.errors import ImportRefused, RowError
from urbis.people.models import Organisation
from urbis.people.permissions import Action as Can
from urbis.people.permissions import require
from urbis.places.models import Area, City
from urbis.strategy.models import (
    Action,
    ActionImpact,
    ActionStatus,
    Change,
    Direction,
    Framework,
    FundingKind,
    FundingSource,
    Horizon,
    Indicator,
    Milestone,
    Observation,
    ProgressReport,
    Strategy,
    Target,
    TargetKind,
    TargetStatus,
    Theme,
    ThemeKind,
)

CATALOGUE = Path(__file__).resolve().parent / "catalogue" / "indicators.csv"

# ---------------------------------------------------------------- history


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, str]:
    result = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "all"):  # a many-to-many manager
            result[name] = ", ".join(sorted(str(item) for item in value.all()))
        else:
            result[name] = _display(value)
    return result


def _record(
    *, city: City, model: str, object_id: int, before: Mapping[str, str],
    after: Mapping[str, str], by: Any,
) -> int:
    """Store one Change per field whose shown value differs; returns how many."""
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    changes = [
        Change(
            city=city, model=model, object_id=object_id, field=name,
            old_value=before.get(name, ""), new_value=after.get(name, ""),
            changed_by=user, changed_at=now,
        )
        for name in after
        if before.get(name, "") != after.get(name, "")
    ]
    Change.objects.bulk_create(changes)
    return len(changes)


def _require(by: Any, action: Can, city: City) -> None:
    """``by=None`` is the platform itself (CLI, demo loader), as in the people app."""
    if by is not None:
        require(by, action, city)


def _field_name(name: str) -> str:
    """``theme_id`` → ``theme``: writes may give a related object or its key."""
    return name[:-3] if name.endswith("_id") else name


# ---------------------------------------------------------------- catalogue


def load_catalogue(path: Path | None = None) -> int:
    """Create or update the shared indicator catalogue from its CSV; returns rows read.

    Idempotent: matched by code, so loading twice changes nothing."""
    path = path or CATALOGUE
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    errors: list[RowError] = []
    clean: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        if not code:
            errors.append(RowError(path.name, number, "code", "empty"))
            continue
        if row.get("direction") not in Direction.values:
            errors.append(RowError(path.name, number, "direction", "must be up or down"))
        if row.get("theme") not in ThemeKind.values:
            errors.append(RowError(path.name, number, "theme", f"unknown {row.get('theme')!r}"))
        if row.get("framework") not in Framework.values:
            errors.append(RowError(path.name, number, "framework", "unknown framework"))
        clean.append(
            {
                "code": code,
                "name": row["name"].strip(),
                "unit": row["unit"].strip(),
                "definition": (row.get("definition") or "").strip(),
                "direction": row.get("direction"),
                "theme": row.get("theme"),
                "framework": row.get("framework"),
                "reference": (row.get("reference") or "").strip(),
                "per_capita": (row.get("per_capita") or "").strip() in {"1", "yes", "true"},
                "per_capita_factor": float(row.get("per_capita_factor") or 1),
                "per_capita_unit": (row.get("per_capita_unit") or "").strip(),
            }
        )
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        for item in clean:
            code = item.pop("code")
            Indicator.objects.update_or_create(code=code, city=None, defaults=item)
    return len(clean)


def create_indicator(
    *, by: Any, city: City, code: str, name: str, unit: str, direction: str, theme: str,
    definition: str = "", per_capita: bool = False,
) -> Indicator:
    """A city's own indicator. Its code is prefixed with the city's code so that it never
    collides with the catalogue or with another city's."""
    _require(by, Can.EDIT, city)
    slug = slugify(code)
    if not slug:
        raise ValidationError({"code": "Give a code of letters, digits and hyphens."})
    if not slug.startswith(f"{city.code}-"):
        slug = f"{city.code}-{slug}"
    errors: dict[str, str] = {}
    if Indicator.objects.filter(code=slug).exists():
        errors["code"] = f"An indicator with code {slug!r} already exists."
    if not name.strip():
        errors["name"] = "Give the indicator a name."
    if not unit.strip():
        errors["unit"] = "Give the unit, e.g. 'km' or '%'."
    if direction not in Direction.values:
        errors["direction"] = "Direction must be 'up' or 'down'."
    if theme not in ThemeKind.values:
        errors["theme"] = f"Unknown theme {theme!r}."
    if errors:
        raise ValidationError(errors)
    return Indicator.objects.create(
        code=slug[:80], name=name.strip(), unit=unit.strip(), direction=direction, theme=theme,
        definition=definition.strip(), per_capita=per_capita, framework=Framework.CUSTOM,
        city=city,
    )


def indicators_for(city: City) -> Any:
    """Indicators a city may use: the catalogue and its own."""
    return Indicator.objects.filter(Q(city__isnull=True) | Q(city=city))


# ---------------------------------------------------------------- observations

OBSERVATION_COLUMNS = ("indicator", "value")


def _parse_date(raw: str) -> dt.date:
    """``YYYY`` (an annual figure, stored at 31 December) or ``YYYY-MM-DD``."""
    raw = raw.strip()
    if len(raw) == 4 and raw.isdigit():
        return dt.date(int(raw), 12, 31)
    return dt.date.fromisoformat(raw)


def upload_observations(
    *, by: Any, city: City, rows: Iterable[Mapping[str, Any]], file: str = "<input>",
    first_row: int = 2,
) -> int:
    """Store observations for ``city``: all rows or none.

    Columns: ``indicator`` (code), ``area_code`` (empty = whole city), ``date`` (YYYY-MM-DD) or
    ``year`` (YYYY), ``value``, ``source``. An existing value for the same indicator, place and
    date is replaced. Returns the number of rows stored."""
    _require(by, Can.EDIT, city)
    rows = list(rows)
    indicators = {i.code: i for i in indicators_for(city)}
    areas = {a.code: a for a in Area.objects.filter(city=city).only("pk", "code")}
    errors: list[RowError] = []
    prepared: list[tuple[Indicator, Area | None, dt.date, float, str]] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    if not rows:
        errors.append(RowError(file, 1, "", "no rows"))
    for number, row in enumerate(rows, start=first_row):
        row_errors = len(errors)
        for column in OBSERVATION_COLUMNS:
            if column not in row:
                errors.append(RowError(file, number, column, "column missing"))
        if "date" not in row and "year" not in row:
            errors.append(RowError(file, number, "date", "column missing (date or year)"))
        if len(errors) > row_errors:
            continue
        code = str(row.get("indicator") or "").strip()
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(
                RowError(file, number, "indicator", f"no indicator {code!r} for {city.name}")
            )
        area_code = str(row.get("area_code") or "").strip()
        area = None
        if area_code:
            area = areas.get(area_code)
            if area is None:
                errors.append(RowError(file, number, "area_code", f"no area {area_code!r}"))
        date_field = "date" if str(row.get("date") or "").strip() else "year"
        raw_date = str(row.get(date_field) or "").strip()
        date = None
        try:
            date = _parse_date(raw_date)
        except ValueError:
            errors.append(
                RowError(file, number, date_field, f"not a date (YYYY-MM-DD) or year: {raw_date!r}")
            )
        raw_value = str(row.get("value") if row.get("value") is not None else "").strip()
        value = None
        try:
            value = float(raw_value.replace(",", "")) if raw_value else None
            if value is not None and not math.isfinite(value):
                raise ValueError
        except ValueError:
            errors.append(RowError(file, number, "value", f"not a number: {raw_value!r}"))
        else:
            if value is None:
                errors.append(RowError(file, number, "value", "empty"))
        source = str(row.get("source") or "").strip()
        if len(source) > 600:
            errors.append(RowError(file, number, "source", "longer than 600 characters"))
        if indicator is not None and date is not None:
            key = (code, area_code, date)
            if key in seen:
                errors.append(
                    RowError(file, number, date_field, f"same indicator, place and date as row "
                             f"{seen[key]}")
                )
            seen[key] = number
        if len(errors) == row_errors:
            assert indicator is not None and date is not None and value is not None
            prepared.append((indicator, area, date, value, source))
    if errors:
        raise ImportRefused(errors)
    user = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        for indicator, area, date, value, source in prepared:
            Observation.objects.update_or_create(
                indicator=indicator, city=city, area=area, date=date,
                defaults={"value": value, "source": source, "created_by": user},
            )
    return len(prepared)


def upload_observations_csv(*, by: Any, city: City, data: bytes | str, file: str) -> int:
    """``upload_observations`` from the bytes of a CSV file (UTF-8, comma-separated)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                [RowError(file, 0, "", f"not UTF-8 text (byte {exc.start})")]
            ) from exc
    else:
        text = data
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in OBSERVATION_COLUMNS if c not in header]
    if "date" not in header and "year" not in header:
        missing.append("date")
    if missing:
        raise ImportRefused(
            [RowError(file, 1, c, "column missing from the header") for c in missing]
        )
    return upload_observations(by=by, city=city, rows=list(reader), file=file)


# ---------------------------------------------------------------- strategies

STRATEGY_FIELDS = ("title", "vision", "adopted_on", "start_year", "end_year", "source",
                   "is_published")


def _clean_strategy(strategy: Strategy) -> None:
    errors: dict[str, str] = {}
    if not strategy.title.strip():
        errors["title"] = "Give the strategy a title."
    if not strategy.slug:
        errors["slug"] = "Give the strategy a short name."
    if strategy.start_year and strategy.end_year and strategy.end_year < strategy.start_year:
        errors["end_year"] = "The last year comes before the first year."
    clash = Strategy.objects.filter(city=strategy.city, slug=strategy.slug).exclude(pk=strategy.pk)
    if clash.exists():
        errors["slug"] = f"{strategy.city} already has a strategy called {strategy.slug!r}."
    if errors:
        raise ValidationError(errors)


def save_strategy(
    *, by: Any, city: City, strategy: Strategy | None = None, **fields: Any
) -> Strategy:
    """Create (``strategy=None``) or update a strategy. Publication needs an administrator."""
    _require(by, Can.EDIT, city)
    if strategy is not None and strategy.city_id != city.pk:
        raise ValidationError({"strategy": "This strategy belongs to another city."})
    creating = strategy is None
    strategy = strategy or Strategy(city=city)
    before = {} if creating else _snapshot(strategy, STRATEGY_FIELDS)
    if "is_published" in fields and bool(fields["is_published"]) != strategy.is_published:
        _require(by, Can.ADMINISTER, city)
    for name, value in fields.items():
        if name not in {*STRATEGY_FIELDS, "slug"}:
            raise ValidationError({name: "Not a field of a strategy."})
        setattr(strategy, name, value)
    if not strategy.slug:
        strategy.slug = slugify(strategy.title)[:100]
    _clean_strategy(strategy)
    if strategy.is_published and strategy.published_at is None:
        strategy.published_at = timezone.now()
    if not strategy.is_published:
        strategy.published_at = None
    with transaction.atomic():
        strategy.save()
        _record(city=city, model="strategy", object_id=strategy.pk, before=before,
                after=_snapshot(strategy, STRATEGY_FIELDS), by=by)
    return strategy


def publish_strategy(*, by: Any, strategy: Strategy, published: bool = True) -> Strategy:
    return save_strategy(by=by, city=strategy.city, strategy=strategy, is_published=published)


def save_theme(
    *, by: Any, strategy: Strategy, name: str, kind: str, description: str = "",
    order: int = 0, theme: Theme | None = None,
) -> Theme:
    _require(by, Can.EDIT, strategy.city)
    errors = {}
    if not name.strip():
        errors["name"] = "Give the theme a name."
    if kind not in ThemeKind.values:
        errors["kind"] = f"Unknown theme kind {kind!r}."
    clash = Theme.objects.filter(strategy=strategy, name=name.strip())
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        errors["name"] = f"The strategy already has a theme {name!r}."
    if errors:
        raise ValidationError(errors)
    theme = theme or Theme(strategy=strategy)
    theme.name, theme.kind, theme.description, theme.order = name.strip(), kind, description, order
    with transaction.atomic():
        theme.save()
    return theme


# ---------------------------------------------------------------- targets

TARGET_FIELDS = (
    "title", "description", "kind", "theme", "indicator", "area", "baseline_value",
    "baseline_year", "target_value", "target_year", "direction", "qualitative_status", "source",
    "departments",
)
TARGET_SCALARS = tuple(f for f in TARGET_FIELDS if f != "departments")


def _departments(city: City, items: Iterable[Any]) -> list[Organisation]:
    result = []
    for item in items:
        org = item if isinstance(item, Organisation) else Organisation.objects.filter(
            **({"pk": item} if str(item).isdigit() else {"slug": item})
        ).first()
        if org is None:
            raise ValidationError({"departments": f"No organisation {item!r}."})
        if org.city_id not in (None, city.pk):
            raise ValidationError({"departments": f"{org} belongs to another city."})
        result.append(org)
    return result


def _clean_target(target: Target) -> None:
    strategy = target.strategy
    errors: dict[str, str] = {}
    if not (target.title or "").strip():
        errors["title"] = "Give the target a title."
    if target.kind not in TargetKind.values:
        errors["kind"] = "Kind must be quantitative or qualitative."
    if target.direction not in Direction.values:
        errors["direction"] = "Direction must be 'up' or 'down'."
    if target.theme_id and not Theme.objects.filter(pk=target.theme_id, strategy=strategy).exists():
        errors["theme"] = "No such theme in this strategy."
    if target.area_id and not Area.objects.filter(pk=target.area_id, city=strategy.city).exists():
        errors["area"] = "No such area in this city."
    if target.indicator_id and not indicators_for(strategy.city).filter(
        pk=target.indicator_id
    ).exists():
        errors["indicator"] = "No such indicator in the catalogue or among the city's own."
    if target.qualitative_status and target.qualitative_status not in TargetStatus.values:
        errors["qualitative_status"] = "Unknown status."
    if target.kind == TargetKind.QUANTITATIVE:
        if not target.indicator_id:
            errors["indicator"] = "A quantitative target measures an indicator."
        if target.target_value is None:
            errors["target_value"] = "A quantitative target needs a target value."
        if target.target_year is None:
            errors["target_year"] = "A quantitative target needs a target year."
        if (target.baseline_value is None) != (target.baseline_year is None):
            field = "baseline_year" if target.baseline_year is None else "baseline_value"
            errors[field] = "Give both the baseline value and its year, or neither."
        if (
            target.baseline_year is not None and target.target_year is not None
            and target.target_year <= target.baseline_year
        ):
            errors["target_year"] = "The target year must come after the baseline year."
        if target.baseline_value is not None and target.target_value is not None:
            if target.direction == Direction.DOWN and target.target_value > target.baseline_value:
                errors["target_value"] = (
                    "Lower is better for this target, but the target value is above the baseline."
                )
            if target.direction == Direction.UP and target.target_value < target.baseline_value:
                errors["target_value"] = (
                    "Higher is better for this target, but the target value is below the baseline."
                )
    for year_field in ("baseline_year", "target_year"):
        year = getattr(target, year_field)
        if year is not None and not 1900 <= year <= 2100:
            errors[year_field] = "Give a year between 1900 and 2100."
    if errors:
        raise ValidationError(errors)


def save_target(
    *, by: Any, strategy: Strategy, target: Target | None = None, **fields: Any
) -> Target:
    """Create (``target=None``) or update a target; every changed field goes to the history."""
    _require(by, Can.EDIT, strategy.city)
    if target is not None and target.strategy_id != strategy.pk:
        raise ValidationError({"target": "This target belongs to another strategy."})
    creating = target is None
    target = target or Target(strategy=strategy)
    before = {} if creating else _snapshot(target, TARGET_FIELDS)
    departments = fields.pop("departments", None)
    for name, value in fields.items():
        if _field_name(name) not in {*TARGET_SCALARS, "order"}:
            raise ValidationError({name: "Not a field of a target."})
        setattr(target, name, value)
    if creating and "direction" not in fields and target.indicator_id:
        indicator = Indicator.objects.filter(pk=target.indicator_id).first()
        if indicator is not None:
            target.direction = indicator.direction
    _clean_target(target)
    orgs = _departments(strategy.city, departments) if departments is not None else None
    with transaction.atomic():
        target.save()
        if orgs is not None:
            target.departments.set(orgs)
        _record(city=strategy.city, model="target", object_id=target.pk, before=before,
                after=_snapshot(target, TARGET_FIELDS), by=by)
    return target


def delete_target(*, by: Any, target: Target) -> None:
    _require(by, Can.EDIT, target.strategy.city)
    with transaction.atomic():
        _record(city=target.strategy.city, model="target", object_id=target.pk,
                before={"title": target.title}, after={"title": "(deleted)"}, by=by)
        target.delete()


# ---------------------------------------------------------------- actions

ACTION_FIELDS = (
    "title", "description", "theme", "is_technological", "horizon", "status",
    "responsible_department", "is_ppp", "is_citizen_driven", "budget", "currency", "start_date",
    "end_date", "partners", "depends_on",
)
ACTION_SCALARS = tuple(f for f in ACTION_FIELDS if f not in {"partners", "depends_on"})


def _action_snapshot(action: Action) -> dict[str, str]:
    snap = _snapshot(action, ACTION_FIELDS)
    snap["funding"] = "; ".join(
        f"{f.get_kind_display()}{' ' + _display(f.amount) if f.amount is not None else ''}"
        for f in action.funding.all()
    )
    snap["impacts"] = "; ".join(
        f"{i.target.title}{': ' + i.description if i.description else ''}"
        for i in action.impacts.select_related("target")
    )
    return snap


def _would_cycle(action: Action, prerequisites: list[Action]) -> bool:
    """Whether making ``action`` depend on ``prerequisites`` closes a loop."""
    if action.pk is None:
        return False
    stack = [p.pk for p in prerequisites]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current == action.pk:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(
            Action.depends_on.through.objects.filter(from_action_id=current).values_list(
                "to_action_id", flat=True
            )
        )
    return False


def _clean_action(action: Action) -> None:
    strategy = action.strategy
    errors: dict[str, str] = {}
    if not (action.title or "").strip():
        errors["title"] = "Give the action a title."
    if action.horizon not in Horizon.values:
        errors["horizon"] = "Horizon must be short, medium or long."
    if action.status not in ActionStatus.values:
        errors["status"] = "Unknown status."
    if action.theme_id and not Theme.objects.filter(pk=action.theme_id, strategy=strategy).exists():
        errors["theme"] = "No such theme in this strategy."
    if action.responsible_department_id and not Organisation.objects.filter(
        Q(city=strategy.city) | Q(city__isnull=True), pk=action.responsible_department_id
    ).exists():
        errors["responsible_department"] = "No such department in this city."
    if action.budget is not None:
        try:
            budget = Decimal(action.budget)
        except (InvalidOperation, TypeError):
            errors["budget"] = "Give the budget as a number."
        else:
            if budget < 0:
                errors["budget"] = "A budget cannot be negative."
            action.budget = budget
    if len(action.currency or "") != 3:
        errors["currency"] = "Give a three-letter ISO 4217 currency code, e.g. EUR."
    if action.start_date and action.end_date and action.end_date < action.start_date:
        errors["end_date"] = "The end comes before the start."
    if errors:
        raise ValidationError(errors)


def save_action(
    *, by: Any, strategy: Strategy, action: Action | None = None,
    partners: Iterable[Any] | None = None, depends_on: Iterable[Action | int] | None = None,
    funding: Iterable[Mapping[str, Any]] | None = None,
    impacts: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Action:
    """Create (``action=None``) or update an action with its partners, dependencies, funding
    sources and expected impacts; every changed field goes to the history."""
    _require(by, Can.EDIT, strategy.city)
    if action is not None and action.strategy_id != strategy.pk:
        raise ValidationError({"action": "This action belongs to another strategy."})
    creating = action is None
    action = action or Action(strategy=strategy)
    before = {} if creating else _action_snapshot(action)
    for name, value in fields.items():
        if _field_name(name) not in {*ACTION_SCALARS, "order"}:
            raise ValidationError({name: "Not a field of an action."})
        setattr(action, name, value)
    _clean_action(action)
    partner_orgs = _departments(strategy.city, partners) if partners is not None else None
    prerequisites: list[Action] | None = None
    if depends_on is not None:
        prerequisites = []
        for wanted in depends_on:
            other = (
                wanted if isinstance(wanted, Action) else Action.objects.filter(pk=wanted).first()
            )
            if other is None or other.strategy_id != strategy.pk:
                raise ValidationError({"depends_on": f"No action {wanted} in this strategy."})
            if other.pk == action.pk:
                raise ValidationError({"depends_on": "An action cannot depend on itself."})
            prerequisites.append(other)
        if _would_cycle(action, prerequisites):
            raise ValidationError({"depends_on": "These dependencies would form a loop."})
    funding_rows: list[FundingSource] | None = None
    if funding is not None:
        funding_rows = []
        for number, source in enumerate(funding, start=1):
            kind = source.get("kind")
            if kind not in FundingKind.values:
                raise ValidationError({"funding": f"Source {number}: unknown kind {kind!r}."})
            amount = source.get("amount")
            if amount not in (None, ""):
                try:
                    amount = Decimal(str(amount))
                except InvalidOperation as exc:
                    raise ValidationError(
                        {"funding": f"Source {number}: amount is not a number."}
                    ) from exc
                if amount < 0:
                    raise ValidationError({"funding": f"Source {number}: negative amount."})
            else:
                amount = None
            funding_rows.append(
                FundingSource(kind=kind, amount=amount, note=str(source.get("note") or "")[:300])
            )
    impact_rows: list[tuple[Target, str]] | None = None
    if impacts is not None:
        impact_rows = []
        for impact in impacts:
            wanted_target: Any = impact.get("target")
            target = wanted_target if isinstance(wanted_target, Target) else (
                Target.objects.filter(pk=wanted_target, strategy=strategy).first()
                if str(wanted_target).isdigit() else None
            )
            if target is None or target.strategy_id != strategy.pk:
                raise ValidationError({"impacts": f"No target {impact.get('target')} here."})
            impact_rows.append((target, str(impact.get("description") or "")[:500]))
    with transaction.atomic():
        action.save()
        if partner_orgs is not None:
            action.partners.set(partner_orgs)
        if prerequisites is not None:
            action.depends_on.set(prerequisites)
        if funding_rows is not None:
            action.funding.all().delete()
            for row in funding_rows:
                row.action = action
            FundingSource.objects.bulk_create(funding_rows)
        if impact_rows is not None:
            action.impacts.all().delete()
            ActionImpact.objects.bulk_create(
                [ActionImpact(action=action, target=t, description=d) for t, d in impact_rows]
            )
        _record(city=strategy.city, model="action", object_id=action.pk, before=before,
                after=_action_snapshot(action), by=by)
    return action


def save_milestone(
    *, by: Any, action: Action, title: str, due_date: dt.date, done_on: dt.date | None = None,
    milestone: Milestone | None = None,
) -> Milestone:
    city = action.strategy.city
    _require(by, Can.EDIT, city)
    if milestone is not None and milestone.action_id != action.pk:
        raise ValidationError({"milestone": "This milestone belongs to another action."})
    errors = {}
    if not title.strip():
        errors["title"] = "Give the milestone a title."
    if not isinstance(due_date, dt.date):
        errors["due_date"] = "Give the due date."
    if done_on is not None and done_on > timezone.localdate():
        errors["done_on"] = "A milestone cannot be done in the future."
    if errors:
        raise ValidationError(errors)
    before = {} if milestone is None else {
        "due": _display(milestone.due_date), "done on": _display(milestone.done_on),
    }
    milestone = milestone or Milestone(action=action)
    milestone.title, milestone.due_date, milestone.done_on = title.strip(), due_date, done_on
    with transaction.atomic():
        milestone.save()
        after = {"due": _display(due_date), "done on": _display(done_on)}
        _record(
            city=city, model="action", object_id=action.pk,
            before={f"milestone “{milestone.title}” {k}": v for k, v in before.items()},
            after={f"milestone “{milestone.title}” {k}": v for k, v in after.items()}, by=by,
        )
    return milestone


# ---------------------------------------------------------------- reports


def publish_report(
    *, by: Any, strategy: Strategy, period_start: dt.date, period_end: dt.date, title: str = "",
) -> ProgressReport:
    """Freeze the progress of ``strategy`` over the period into a published report.

    The content is computed once, here, and stored; the report is never recomputed, so later
    data or edits do not change what was published."""
    from urbis.strategy import queries

    _require(by, Can.EDIT, strategy.city)
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise ValidationError({"period_start": "Give the period as two dates."})
    if period_end < period_start:
        raise ValidationError({"period_end": "The period ends before it starts."})
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": "The period has not started yet."})
    title = title.strip() or (
        f"{strategy.title}: progress {period_start:%Y-%m-%d} – {period_end:%Y-%m-%d}"
    )
    content = queries.report_content(strategy, period_start, period_end)
    with transaction.atomic():
        return ProgressReport.objects.create(
            strategy=strategy, title=title[:300], period_start=period_start,
            period_end=period_end, content=content, published_at=timezone.now(),
            published_by=by if getattr(by, "is_authenticated", False) else None,
        )
