"""The indicator catalogue: loading the bundled catalogue and a city's own indicators."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from urbis.errors import ImportRefused, RowError
from urbis.people.permissions import Action as Can
from urbis.people.permissions import require_unless_platform
from urbis.places.models import City
from urbis.strategy.models import (
    Direction,
    Framework,
    Indicator,
    ThemeKind,
)

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue" / "indicators.csv"


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
            errors.append(RowError(path.name, number, "code", _("empty")))
            continue
        if row.get("direction") not in Direction.values:
            errors.append(RowError(path.name, number, "direction", _("must be up or down")))
        if row.get("theme") not in ThemeKind.values:
            errors.append(RowError(path.name, number, "theme", _("unknown %(value)r")
                                                               % {"value": row.get('theme')}))
        if row.get("framework") not in Framework.values:
            errors.append(RowError(path.name, number, "framework", _("unknown framework")))
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
    require_unless_platform(by, Can.EDIT, city)
    slug = slugify(code)
    if not slug:
        raise ValidationError({"code": _("Give a code of letters, digits and hyphens.")})
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
