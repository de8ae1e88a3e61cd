"""Measured district heat of Paris per IRIS, stored as annual readings on the quartiers.

The SDES publishes each year the heat and cold delivered by every heat network per IRIS and
sector ("données locales de consommation d'énergie", docs/DATA.md "Energy"). An IRIS code is
its commune's INSEE code followed by four digits, and Paris's communes for statistics are its
twenty arrondissements (751xx), so every IRIS lies in exactly one arrondissement. With the
IRIS polygons (IGN's Contours IRIS), each IRIS's figure is split between the quartiers of its
own arrondissement by the share of its surface in each (:mod:`urbis.engines.energy.overlay`,
the share falling outside them given back in proportion), so every arrondissement keeps its
figure to the milliwatt-hour; without polygons, or for an IRIS that has none, the figure goes
whole to the arrondissement. Each piece becomes one annual reading (one meter per IRIS,
sector and area), handed to the engine through :func:`services.ingest_path` like any meter
file, under a file name starting with :data:`measured.MEASURED_PREFIX` so that the pages
label it measured.

The source's sector ``X`` ("non affecté": the operator did not say which sector) has no
counterpart on the platform; its rows are checked and counted but not stored (docs/DATA.md
gives their total). Figures the source withholds ("secret") are not in the bundled file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from urbis.energy import engine, measured
from urbis.energy.models import EnergyUpload
from urbis.engines.energy import overlay
from urbis.errors import ImportRefused, RowError
from urbis.places.models import Area, AreaLevel, City

COLUMNS = ("year", "iris", "sector", "mwh")

#: The source's sector codes stored on the platform (R résidentiel, T tertiaire).
STORED_SECTORS = {"R": "residential", "T": "commercial"}
#: Codes checked but not stored: X, "non affecté" (no platform sector fits it).
UNSTORED_SECTORS = frozenset({"X"})


@dataclass(frozen=True)
class IrisRow:
    year: int
    iris: str
    sector: str
    mwh: str  # the published figure as written (MWh), so nothing is lost on the way

    @property
    def arrondissement(self) -> str:
        return self.iris[:5]


def read_iris_file(path: Path, dataset: measured.Dataset, *,
                   years: Iterable[int] | None = None) -> list[IrisRow]:
    """Every row of a ``year,iris,sector,mwh`` file (optionally gzip-compressed), checked.

    Refuses the whole file (:class:`ImportRefused`, each error naming file, row, field and
    reason) on a missing column, a year that is not a whole number, an IRIS code that is not
    nine digits in one of the dataset's arrondissements, an unknown sector, an MWh figure that
    is not a finite number ≥ 0, and a (year, IRIS, sector) given twice. ``years`` keeps only
    the rows of those years (after checking every row).
    """
    name = path.name
    wanted = set(years) if years is not None else None
    opener: Any = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    errors: list[RowError] = []
    rows: list[IrisRow] = []
    seen: set[tuple[int, str, str]] = set()
    known = sorted(set(STORED_SECTORS) | UNSTORED_SECTORS)
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [c.strip().lower() for c in (reader.fieldnames or [])]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ImportRefused([RowError(name, 1, c, _("missing column")) for c in missing])
        reader.fieldnames = header
        for number, raw in enumerate(reader, start=2):
            before = len(errors)
            year_text = (raw.get("year") or "").strip()
            year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
            if year is None:
                errors.append(RowError(name, number, "year",
                                       _("not a year (YYYY): %(v)r") % {"v": year_text}))
            iris = (raw.get("iris") or "").strip()
            if not (len(iris) == 9 and iris.isdigit() and iris[:5] in dataset.zones):
                errors.append(RowError(
                    name, number, "iris",
                    _("not an IRIS code of this city's arrondissements: %(v)r") % {"v": iris},
                ))
            sector = (raw.get("sector") or "").strip().upper()
            if sector not in known:
                errors.append(RowError(
                    name, number, "sector",
                    _("unknown sector %(v)r (%(known)s)") % {"v": sector,
                                                           "known": ", ".join(known)},
                ))
            mwh = (raw.get("mwh") or "").strip()
            try:
                value = float(mwh)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or value < 0:
                errors.append(RowError(name, number, "mwh",
                                       _("not a number of MWh ≥ 0: %(v)r") % {"v": mwh}))
            if len(errors) > before or year is None:
                continue
            key = (year, iris, sector)
            if key in seen:
                errors.append(RowError(name, number, "iris",
                                       _("this year, IRIS and sector are given twice")))
                continue
            seen.add(key)
            if wanted is None or year in wanted:
                rows.append(IrisRow(year, iris, sector, mwh))
            if len(errors) >= 100:
                break
    if errors:
        raise ImportRefused(errors)
    return rows


def placement(city: City, polygons: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Fractions of each IRIS (of ``polygons``, WGS84 geometries by IRIS code) per quartier of
    its own arrondissement, by surface in an equal-area projection; each IRIS's fractions add up
    to 1. An IRIS whose arrondissement has no quartier with a geometry gets none."""
    quartiers: dict[str, dict[str, Any]] = {}
    for area in (Area.objects.filter(city=city, level=AreaLevel.NEIGHBOURHOOD)
                 .exclude(geometry=None).select_related("parent")
                 .only("code", "geometry", "parent__code")):
        if area.parent is not None:
            quartiers.setdefault(area.parent.code, {})[area.code] = area.geometry
    fractions: dict[str, dict[str, float]] = {}
    for arrondissement, areas in sorted(quartiers.items()):
        zones = {code: geom for code, geom in polygons.items() if code[:5] == arrondissement}
        if zones:
            fractions.update(overlay.placement(overlay.area_weights(zones, areas)))
    return fractions


def _split_mwh(mwh: str, shares: Mapping[str, float]) -> list[tuple[str, int]]:
    """The published MWh figure split by ``shares`` in whole milliwatt-hours that add up to it
    exactly (largest remainders), so that no total moves by the split."""
    total = round(float(mwh) * 1_000_000_000)
    raw = {area: total * share for area, share in shares.items()}
    parts = {area: int(value) for area, value in raw.items()}
    left = total - sum(parts.values())
    for area in sorted(raw, key=lambda a: (parts[a] - raw[a], a))[:left]:
        parts[area] += 1
    return sorted(parts.items())


def _kwh_text(milliwatt_hours: int) -> str:
    """Whole milliwatt-hours as exact kWh text (six decimals), read back to the same mWh."""
    whole, rest = divmod(milliwatt_hours, 1_000_000)
    return f"{whole}.{rest:06d}"


def readings_csv(rows: Iterable[IrisRow], dataset: measured.Dataset,
                 fractions: Mapping[str, Mapping[str, float]] | None = None) -> bytes:
    """The engine's input format: one annual reading (local midnight of 1 January, no zone:
    the caller passes the city's time zone) per IRIS, stored sector and area: the quartiers
    of ``fractions`` where the IRIS has some, else its arrondissement. gzip with a fixed header
    time, so the same rows give the same bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["meter_id", "timestamp", "value", "unit", "flow", "sector", "carrier",
                     "area_code", "resolution"])
    for row in sorted(rows, key=lambda r: (r.year, r.iris, r.sector)):
        if row.sector not in STORED_SECTORS:
            continue
        shares = (fractions or {}).get(row.iris) or {row.arrondissement: 1.0}
        for area_code, mwh in _split_mwh(row.mwh, shares):
            writer.writerow([
                f"{dataset.key}:{row.iris}:{row.sector}:{area_code}",
                f"{row.year}-01-01T00:00:00", _kwh_text(mwh), "kWh", "consumption",
                STORED_SECTORS[row.sector], dataset.carrier, area_code, "annual",
            ])
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:
        gz.write(out.getvalue().encode())
    return buffer.getvalue()


def ingest(
    city: City,
    path: Path,
    dataset: measured.Dataset = measured.PARIS_DISTRICT_HEAT,
    *,
    years: Iterable[int],
    polygons: Mapping[str, Any] | None = None,
    source: str = EnergyUpload.Source.CLI,
    user: Any = None,
    refresh_balance: bool = True,
) -> list[EnergyUpload]:
    """Check ``path`` whole, then store one annual readings file per year through the engine,
    on the quartiers where ``polygons`` (IRIS code to WGS84 geometry) place each IRIS, else on
    the arrondissements.

    Years already stored (by file name) are skipped, so running it again stores nothing new.
    Returns the uploads of this run.
    """
    todo = measured.years_to_store(city, dataset, years)
    if not todo:
        return []
    rows = read_iris_file(path, dataset, years=todo)
    fractions = placement(city, polygons) if polygons is not None else None
    return [
        measured.store_year(city, dataset, year,
                            readings_csv([r for r in rows if r.year == year], dataset, fractions),
                            source=source, user=user, refresh_balance=refresh_balance)
        for year in todo
    ]


#: The bundled files (docs/DATA.md, "Energy") and the years the demo stores from them.
DEMO_FILE = ("paris", "district_heat_by_iris_2020.csv")
DEMO_POLYGONS = ("paris", "iris_polygons_2013.geojson.gz")
DEMO_YEARS = (2020,)


def load_polygons(path: Path) -> dict[str, Any]:
    """IRIS polygons from a GeoJSON FeatureCollection (optionally gzip-compressed) whose
    features carry the 9-digit code in the property ``iris``."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    features = json.loads(data.decode("utf-8")).get("features", [])
    return {str(f["properties"]["iris"]): f["geometry"] for f in features}


def load_demo() -> None:
    """The demo's step: Paris's measured district heat of 2020 on its quartiers (skipped when
    the city is not loaded or the year is already stored)."""
    from urbis.demo.loader import DATA

    city = City.objects.filter(code=DEMO_FILE[0]).first()
    if city is None:
        return
    if ingest(city, DATA.joinpath(*DEMO_FILE), years=DEMO_YEARS,
              polygons=load_polygons(DATA.joinpath(*DEMO_POLYGONS)),
              source=EnergyUpload.Source.DEMO):
        engine.forget(city)
