"""Measured area observations for evaluating a pilot: Barcelona's published mean rent per barri,
set up as the observational before/after evaluation of the Poblenou superblock pilot.

The observations are real (Ajuntament de Barcelona, Open Data BCN, CC BY 4.0; the file and its
provenance: ``data/barcelona-rent-sant-marti-2014-2019.csv`` and docs/DATA.md); the comparison is
observational, as the pilot page says: rents moved for many reasons besides the superblock. The
rows are stored through the strategy app's own services (a city indicator, then an all-or-nothing
upload naming file, row and field on bad input) and the pilot's set-up through ``save_pilot``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

RENT_FILE = Path(__file__).resolve().parent / "data" / "barcelona-rent-sant-marti-2014-2019.csv"
RENT_MEASURE = "Lloguer mitjà per superfície (Euros/m2 mes)"
RENT_SOURCE = ("Ajuntament de Barcelona, Open Data BCN: Preu mitjà del lloguer d'habitatges "
               "(lloguer-preu-trim), mean rent per m² per barri and quarter, CC BY 4.0")
RENT_INDICATOR = "barcelona-rent-per-m2"
# The 2016 Poblenou superblock lies in el Parc i la Llacuna del Poblenou (barri 66); the other
# barris of the Sant Martí district are the comparison areas.
PILOT_BARRI = "66"
BEFORE = (dt.date(2014, 1, 1), dt.date(2016, 6, 30))  # the superblock opened in September 2016
AFTER = (dt.date(2017, 1, 1), dt.date(2019, 12, 31))
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def area_code(barri_code: str) -> str:
    """The places app's code of a Barcelona barri (``B`` + two digits)."""
    return "B" + barri_code.zfill(2)


def rent_rows(path: Path = RENT_FILE) -> list[dict[str, Any]]:
    """The file's rows as observation rows (one per barri and quarter, dated at the quarter's
    end). A row of another measure or a bad quarter is passed on for the upload to refuse."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["measure"] != RENT_MEASURE:
                continue
            month, day = QUARTER_END.get(int(row["quarter"]), (0, 0))
            date = f"{int(row['year']):04d}-{month:02d}-{day:02d}"
            rows.append({"indicator": RENT_INDICATOR, "area_code": area_code(row["barri_code"]),
                         "date": date, "value": row["value"], "source": RENT_SOURCE})
    return rows


def load_poblenou_rent_evaluation(city: Any, path: Path = RENT_FILE) -> Any:
    """Store the rents and point the city's ``poblenou-superblock`` pilot at them (operator:
    the demo loader). Returns the pilot, or ``None`` when the city has no such pilot.
    Idempotent: the indicator is made once and an upload replaces equal dates."""
    from urbis.insight.models import Pilot

    pilot = Pilot.objects.filter(city=city, slug="poblenou-superblock").first()
    if pilot is None:
        return None
    rows = rent_rows(path)
    with transaction.atomic():  # a refused file leaves no indicator and no evaluation behind
        return _store(city, pilot, rows, path)


def _store(city: Any, pilot: Any, rows: list[dict[str, Any]], path: Path) -> Any:
    from urbis.insight import services
    from urbis.places.models import Area
    from urbis.strategy.models import Indicator
    from urbis.strategy.services.indicators import create_indicator
    from urbis.strategy.services.observations import upload_observations

    indicator = Indicator.objects.filter(code=RENT_INDICATOR).first()
    if indicator is None:
        indicator = create_indicator(
            by=None, city=city, code=RENT_INDICATOR, name="Mean rent per m²",
            unit="€/m² per month", direction="down", theme="urban_planning",
            definition="Mean monthly rent of new rental contracts per m² of dwelling "
                       "(lower is more affordable). " + RENT_SOURCE)
    upload_observations(by=None, city=city, rows=rows, file=path.name)
    codes = sorted({r["area_code"] for r in rows})
    areas = {a.code: a for a in Area.objects.filter(city=city, code__in=codes).defer("geometry")}
    pilot_area = areas[area_code(PILOT_BARRI)]
    return services.save_pilot(
        by=None, operator=True, city=city, pilot=pilot, slug=pilot.slug, title=pilot.title,
        theme=pilot.theme, goals=pilot.goals, indicators=pilot.indicators,
        budget_eur=pilot.budget_eur, lab=pilot.lab, partners=pilot.partners,
        evaluation=pilot.evaluation, decision=pilot.decision, source=pilot.source,
        is_illustrative=pilot.is_illustrative, origin=pilot.origin,
        evaluation_indicator=indicator, evaluation_area=pilot_area,
        comparison_areas=[a for code, a in sorted(areas.items()) if a.pk != pilot_area.pk],
        before_start=BEFORE[0], before_end=BEFORE[1], after_start=AFTER[0],
        after_end=AFTER[1])
