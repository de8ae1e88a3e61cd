"""Indicator observations, one by one or from a CSV file: every row checked before any is stored."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urbis.errors import ImportRefused, RowError
from urbis.people.permissions import Action as Can
from urbis.people.permissions import require_unless_platform
from urbis.places.models import Area, City
from urbis.strategy.models import (
    Indicator,
    Observation,
)
from urbis.strategy.services.indicators import indicators_for

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
    require_unless_platform(by, Can.EDIT, city)
    rows = list(rows)
    indicators = {i.code: i for i in indicators_for(city)}
    areas = {a.code: a for a in Area.objects.filter(city=city).only("pk", "code")}
    errors: list[RowError] = []
    prepared: list[tuple[Indicator, Area | None, dt.date, float, str]] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    if not rows:
        errors.append(RowError(file, 1, "", _("no rows")))
    for number, row in enumerate(rows, start=first_row):
        row_errors = len(errors)
        for column in OBSERVATION_COLUMNS:
            if column not in row:
                errors.append(RowError(file, number, column, _("column missing")))
        if "date" not in row and "year" not in row:
            errors.append(RowError(file, number, "date", _("column missing (date or year)")))
        if len(errors) > row_errors:
            continue
        code = str(row.get("indicator") or "").strip()
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(
                RowError(file, number, "indicator", _("no indicator %(code)r for %(city)s")
                                                    % {"code": code, "city": city.name})
            )
        area_code = str(row.get("area_code") or "").strip()
        area = None
        if area_code:
            area = areas.get(area_code)
            if area is None:
                errors.append(RowError(file, number, "area_code", _("no area %(area_code)r")
                                                                  % {"area_code": area_code}))
        date_field = "date" if str(row.get("date") or "").strip() else "year"
        raw_date = str(row.get(date_field) or "").strip()
        date = None
        try:
            date = _parse_date(raw_date)
        except ValueError:
            errors.append(
                RowError(file, number, date_field,
                         _("not a date (YYYY-MM-DD) or year: %(raw)r") % {"raw": raw_date})
            )
        raw_value = str(row.get("value") if row.get("value") is not None else "").strip()
        value = None
        try:
            value = float(raw_value.replace(",", "")) if raw_value else None
            if value is not None and not math.isfinite(value):
                raise ValueError
        except ValueError:
            errors.append(RowError(file, number, "value", _("not a number: %(raw_value)r")
                                                          % {"raw_value": raw_value}))
        else:
            if value is None:
                errors.append(RowError(file, number, "value", _("empty")))
        source = str(row.get("source") or "").strip()
        if len(source) > 600:
            errors.append(RowError(file, number, "source", _("longer than 600 characters")))
        if indicator is not None and date is not None:
            key = (code, area_code, date)
            if key in seen:
                errors.append(
                    RowError(file, number, date_field,
                             _("same indicator, place and date as row %(row)s")
                             % {"row": seen[key]})
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
                [RowError(file, 0, "", _("not UTF-8 text (byte %(start)s)") % {"start": exc.start})]
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
            [RowError(file, 1, c, _("column missing from the header")) for c in missing]
        )
    return upload_observations(by=by, city=city, rows=list(reader), file=file)
