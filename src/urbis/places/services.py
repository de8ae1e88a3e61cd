"""Writes for cities and areas: every one validated first, then stored in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.errors import ImportRefused, RowError
from urbis.places import geometry as geo
from urbis.places.models import Area, AreaLevel, City


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    codes: list[str] = field(default_factory=list)


def upsert_city(
    *,
    code: str,
    name: str,
    country: str,
    lau_code: str = "",
    population: int | None = None,
    population_date: dt.date | None = None,
    population_source: str = "",
    time_zone: str | None = None,
) -> City:
    """Create the city, or update its descriptive fields in place (``time_zone`` only when
    given; a new city without one gets UTC).

    Every field is checked first (the code a slug, the country ISO 3166-1 alpha-2, no other
    city's code alike regardless of case, a population not below zero, lengths) and a
    ``ValidationError`` names each bad field; nothing is stored then."""
    country = (country or "").strip().upper()
    city = City.objects.filter(code=code).first() or City(code=code)
    if city.pk is None:
        alike = City.objects.filter(code__iexact=code).values_list("code", flat=True).first()
        if alike is not None:
            raise ValidationError(
                {
                    "code": _(
                        "A city with the code %(existing)r already exists; codes are compared "
                        "regardless of case."
                    )
                    % {"existing": alike}
                }
            )
    city.name = name
    city.country = country
    city.lau_code = lau_code
    city.population = population
    city.population_date = population_date
    city.population_source = population_source
    if time_zone is not None:
        city.time_zone = time_zone
    if population is not None and population < 0:
        # Checked here as well: the model's validator would name the database's range.
        raise ValidationError({"population": _("The population cannot be below zero.")})
    city.full_clean()
    try:
        with transaction.atomic():
            city.save()
    except IntegrityError as exc:  # another writer took the code since the check above
        raise ValidationError({"code": _("A city with this code already exists.")}) from exc
    return city


def describe_errors(error: ValidationError) -> str:
    """A ``ValidationError`` as one line a command-line user can act on: field: reason."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in messages)}" if field != "__all__"
            else " ".join(str(m) for m in messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(str(m) for m in error.messages)


@dataclass(frozen=True)
class AreaFields:
    """Which properties of the source file hold what, and how codes are written in Urbis."""

    code: str = "code"
    name: str = "name"
    parent: str | None = None
    code_prefix: str = ""
    parent_prefix: str = ""
    code_width: int = 0  # zero-pad numeric codes to this width (0: leave as is)

    def make_code(self, raw: Any, prefix: str) -> str:
        text = _text(raw)
        if text and self.code_width and text.isdigit():
            text = text.zfill(self.code_width)
        return f"{prefix}{text}" if text else ""


def import_areas(
    path: str | Path,
    *,
    city: City,
    level: str,
    fields: AreaFields | None = None,
    source: str = "",
) -> ImportResult:
    """Import area boundaries from GeoJSON, GeoPackage or Shapefile into ``city``.

    All features are checked before anything is written; one bad feature refuses the whole file.
    Re-importing updates areas in place, matched by code.
    """
    fields = fields or AreaFields()
    path = Path(path)
    if level not in AreaLevel.values:
        raise ValueError(f"level must be one of {', '.join(AreaLevel.values)}, got {level!r}")
    features = geo.read_features(path)
    name = path.name
    errors: list[RowError] = []
    parents: dict[str, Area] = {}
    if fields.parent:
        parents = {a.code: a for a in Area.objects.filter(city=city)}
    existing_levels = dict(Area.objects.filter(city=city).values_list("code", "level"))
    # A property that no feature has is a wrong field name, not a bad row: say so once.
    present = {key for feature in features for key in feature.properties}
    absent = [f for f in (fields.code, fields.name, fields.parent) if f and f not in present]
    if features and absent:
        known = ", ".join(sorted(present)) or "none"
        raise ImportRefused(
            [RowError(name, 0, f, _("no feature has this property (it has: %(known)s)")
                                  % {"known": known})
             for f in absent]
        )

    prepared: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row, feature in enumerate(features, start=1):
        props = feature.properties
        code = fields.make_code(props.get(fields.code), fields.code_prefix)
        area_name = _text(props.get(fields.name))
        if fields.code not in props:
            errors.append(RowError(name, row, fields.code, _("no such property in this feature")))
        elif not code:
            errors.append(RowError(name, row, fields.code, _("the code is empty")))
        elif code in seen:
            errors.append(
                RowError(name, row, fields.code, _("duplicate code %(code)r (also row %(row)s)")
                                                 % {"code": code, "row": seen[code]})
            )
        else:
            seen[code] = row
            if existing_levels.get(code, level) != level:
                errors.append(
                    RowError(
                        name,
                        row,
                        fields.code,
                        _("code %(code)r is already used by a %(existing_levels)s of this city")
                        % {"code": code, "existing_levels": existing_levels[code]},
                    )
                )
        if not area_name:
            errors.append(RowError(name, row, fields.name, _("the name is empty or missing")))
        if feature.problem:
            errors.append(RowError(name, row, "geometry", feature.problem))
        parent = None
        if fields.parent:
            parent_code = fields.make_code(props.get(fields.parent), fields.parent_prefix)
            parent = parents.get(parent_code)
            if not parent_code:
                errors.append(RowError(name, row, fields.parent, _("the parent code is empty")))
            elif parent is None:
                errors.append(
                    RowError(name, row, fields.parent, _("no area %(parent_code)r in %(city)s")
                             % {"parent_code": parent_code, "city": city.code})
                )
        if feature.geometry is not None and not feature.problem:
            prepared.append(
                {
                    "code": code,
                    "name": area_name,
                    "parent": parent,
                    "geometry": geo.to_geojson(feature.geometry),
                    "bbox": geo.bbox(feature.geometry),
                    "centroid": geo.representative_point(feature.geometry),
                    "area_m2": geo.geodesic_area_m2(feature.geometry),
                }
            )
    if not features:
        errors.append(RowError(name, 0, "features", _("the file has no features")))
    if errors:
        raise ImportRefused(errors)

    result = ImportResult()
    with transaction.atomic():
        for item in prepared:
            _area, created = Area.objects.update_or_create(
                city=city,
                code=item.pop("code"),
                defaults={**item, "level": level, "source": source},
            )
            result.created += int(created)
            result.updated += int(not created)
        result.codes = sorted(seen)
        refresh_city_boundary(city)
    return result


def refresh_city_boundary(city: City) -> None:
    """Set the city's boundary to the union of its top-level areas."""
    for level in (AreaLevel.DISTRICT, AreaLevel.NEIGHBOURHOOD):
        shapes = [a.geometry for a in Area.objects.filter(city=city, level=level).only("geometry")]
        if shapes:
            union = geo.union(shapes)
            City.objects.filter(pk=city.pk).update(
                boundary=geo.to_geojson(union), bbox=geo.bbox(union)
            )
            return


POPULATION_COLUMNS = ("code", "population", "households", "reference_date", "source")


def import_population(path: str | Path, *, city: City) -> int:
    """Set population and households of areas from a CSV (``code,population,households,
    reference_date,source``, optionally ``households_reference_date,households_source`` when
    households have their own: a census counts them, not the register that counts people).
    Empty cells mean "no published figure" and clear the value."""
    return set_population(read_csv_rows(path), city=city, file=Path(path).name)


def set_population(rows: Iterable[dict[str, str]], *, city: City, file: str = "<input>") -> int:
    errors: list[RowError] = []
    updates: list[Area] = []
    for row_number, row, area in rows_by_area(rows, POPULATION_COLUMNS, city, file, errors):
        before = len(errors)
        values: dict[str, Any] = {}
        for column in ("population", "households"):
            raw = (row[column] or "").strip()
            if not raw:
                values[column] = None
            elif not raw.isdigit():
                errors.append(RowError(file, row_number, column, _("not a whole number: %(raw)r")
                                                                 % {"raw": raw}))
            else:
                values[column] = int(raw)
        for column in ("reference_date", "households_reference_date"):
            values[column] = read_date(row, column, row_number, file, errors)
        if len(errors) > before:
            continue
        if values["population"] is not None and not values["reference_date"]:
            errors.append(
                RowError(file, row_number, "reference_date", _("a population needs its date"))
            )
        households_date = values["households_reference_date"] or values["reference_date"]
        if values["households"] is not None and households_date is None:
            column = "households_reference_date" if "households_reference_date" in row else (
                "reference_date"
            )
            errors.append(RowError(file, row_number, column, _("households need their date")))
        if len(errors) > before:
            continue
        source = (row["source"] or "").strip()
        households_source = (row.get("households_source") or "").strip() or source
        area.population = values["population"]
        area.population_date = values["reference_date"] if area.population is not None else None
        area.population_source = source[:300] if area.population is not None else ""
        area.households = values["households"]
        area.households_date = households_date if area.households is not None else None
        area.households_source = households_source[:300] if area.households is not None else ""
        updates.append(area)
    if errors:
        raise ImportRefused(errors)
    fields = ["population", "population_date", "population_source"]
    _save_figures(updates, [*fields, "households", "households_date", "households_source"])
    return len(updates)


FLOOR_AREA_COLUMNS = ("code", "floor_area_m2", "reference_date", "source")


def import_floor_area(path: str | Path, *, city: City) -> int:
    """Set the built floor area of areas from a CSV (``code,floor_area_m2,reference_date,
    source``). An empty ``floor_area_m2`` means "no published figure" and clears the value."""
    return set_floor_area(read_csv_rows(path), city=city, file=Path(path).name)


def set_floor_area(rows: Iterable[dict[str, str]], *, city: City, file: str = "<input>") -> int:
    errors: list[RowError] = []
    updates: list[Area] = []
    seen: dict[str, int] = {}
    for row_number, row, area in rows_by_area(rows, FLOOR_AREA_COLUMNS, city, file, errors):
        if area.code in seen:
            reason = _("area %(code)r already given in row %(row)s") % {
                "code": area.code, "row": seen[area.code]}
            errors.append(RowError(file, row_number, "code", reason))
            continue
        seen[area.code] = row_number
        before = len(errors)
        raw = (row["floor_area_m2"] or "").strip()
        value = None
        if raw:
            try:
                value = float(raw)
            except ValueError:
                errors.append(RowError(file, row_number, "floor_area_m2", _("not a number: %(raw)r")
                                                                          % {"raw": raw}))
            else:
                if not math.isfinite(value) or value <= 0:
                    reason = _("must be above 0 m², not %(raw)s") % {"raw": raw}
                    errors.append(RowError(file, row_number, "floor_area_m2", reason))
        date = read_date(row, "reference_date", row_number, file, errors)
        if raw and not (row["reference_date"] or "").strip():
            errors.append(
                RowError(file, row_number, "reference_date", _("a floor area needs its date"))
            )
        if len(errors) == before:
            area.floor_area_m2 = value
            area.floor_area_date = date if value is not None else None
            area.floor_area_source = (row["source"] or "").strip()[:300] if value else ""
            updates.append(area)
    if errors:
        raise ImportRefused(errors)
    _save_figures(updates, ["floor_area_m2", "floor_area_date", "floor_area_source"])
    return len(updates)


def csv_name(source: str | Path | bytes, file: str = "") -> str:
    """The name errors give a CSV: ``file`` if given, else the path's name (``<upload>`` for
    bytes)."""
    return file or (Path(source).name if not isinstance(source, bytes) else "<upload>")


def read_csv_rows(source: str | Path | bytes, *, file: str = "") -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV (with or without a byte-order mark), from a path or the bytes
    of an upload, as dicts by header. Other encodings are refused, naming ``file``."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = _("not UTF-8 text (byte %(start)s)") % {"start": exc.start}
        raise ImportRefused([RowError(csv_name(source, file), 0, "", reason)]) from exc
    return list(csv.DictReader(io.StringIO(text, newline="")))


def rows_by_area(
    rows: Iterable[dict[str, str]],
    columns: tuple[str, ...],
    city: City,
    file: str,
    errors: list[RowError],
) -> Iterator[tuple[int, dict[str, str], Area]]:
    """Each row with its number and the city's area it names; a row missing a column or
    naming no area of the city is added to ``errors`` instead."""
    areas = {a.code: a for a in Area.objects.filter(city=city)}
    for row_number, row in enumerate(rows, start=2):  # row 1 is the header
        missing = [c for c in columns if c not in row]
        if missing:
            errors.append(RowError(file, row_number, missing[0], _("column missing")))
            continue
        code = (row["code"] or "").strip()
        area = areas.get(code)
        if area is None:
            errors.append(RowError(file, row_number, "code", _("no area %(code)r in %(city)s")
                                                             % {"code": code, "city": city}))
            continue
        yield row_number, row, area


def read_date(
    row: dict[str, str], column: str, row_number: int, file: str, errors: list[RowError]
) -> dt.date | None:
    """The ISO date in ``column`` (absent or empty: ``None``); a bad one is added to ``errors``."""
    raw = (row.get(column) or "").strip()
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        errors.append(RowError(file, row_number, column, _("not a date: %(raw)r") % {"raw": raw}))
        return None


def _save_figures(areas: list[Area], fields: list[str]) -> None:
    # bulk_update skips auto_now; the energy cache keys on updated_at, so it is set here.
    now = timezone.now()
    for area in areas:
        area.updated_at = now
    with transaction.atomic():
        Area.objects.bulk_update(areas, [*fields, "updated_at"])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
