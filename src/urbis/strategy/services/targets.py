"""Targets: validated, with their departments, and recorded in the change history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from urbis.people.models import Organisation
from urbis.people.permissions import Action as Can
from urbis.people.permissions import require_unless_platform
from urbis.places.models import Area, City
from urbis.strategy.models import (
    Direction,
    Indicator,
    Strategy,
    Target,
    TargetKind,
    TargetStatus,
    Theme,
)
from urbis.strategy.services.history import _field_name, _record, _snapshot
from urbis.strategy.services.indicators import indicators_for

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
            raise ValidationError({"departments": _("No organisation %(item)r.") % {"item": item}})
        if org.city_id not in (None, city.pk):
            raise ValidationError({"departments": _("%(org)s belongs to another city.")
                                                  % {"org": org}})
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
    require_unless_platform(by, Can.EDIT, strategy.city)
    if target is not None and target.strategy_id != strategy.pk:
        raise ValidationError({"target": _("This target belongs to another strategy.")})
    creating = target is None
    target = target or Target(strategy=strategy)
    before = {} if creating else _snapshot(target, TARGET_FIELDS)
    departments = fields.pop("departments", None)
    for name, value in fields.items():
        if _field_name(name) not in {*TARGET_SCALARS, "order"}:
            raise ValidationError({name: _("Not a field of a target.")})
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
    require_unless_platform(by, Can.EDIT, target.strategy.city)
    with transaction.atomic():
        _record(city=target.strategy.city, model="target", object_id=target.pk,
                before={"title": target.title}, after={"title": "(deleted)"}, by=by)
        target.delete()
