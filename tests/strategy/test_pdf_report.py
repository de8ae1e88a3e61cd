"""The PDF progress report: Unicode text of any partner city's language prints as written, it
has a summary table and charts, and it is served as a download (issue 16)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from pypdf import PdfReader

from tests.strategy.conftest import observe
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import Indicator, Strategy

TITLES = ("Zażółć gęślą jaźń", "Příliš žluťoučký kůň", "Ελληνικά")


def _report(strategy: Strategy, ghg: Indicator, barcelona: City) -> Any:
    for title in TITLES:
        services.save_target(
            by=None, strategy=strategy, title=title, kind="quantitative", indicator=ghg,
            baseline_value=4.0, baseline_year=2010, target_value=2.0, target_year=2030,
            direction="down",
        )
    observe(barcelona, "urbis-ghg-emissions", 2019, 14413.0)
    observe(barcelona, "urbis-ghg-emissions", 2020, 3.6)
    return services.publish_report(by=None, strategy=strategy, period_start=dt.date(2020, 1, 1),
                                   period_end=dt.date(2020, 12, 31), title="Informe 2020")


def test_pdf_prints_polish_czech_and_greek_and_is_a_download(
    strategy: Strategy, ghg: Indicator, barcelona: City, client_for: Callable[..., Any]
) -> None:
    report = _report(strategy, ghg, barcelona)
    response = client_for(None).get(
        f"/cities/barcelona/strategy/climate/reports/{report.pk}/report.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="climate-informe-2020.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for title in TITLES:
        assert title in text
    # The summary is a table and the numbers are in the reader's format, not Python's repr.
    assert "Targets whose indicator moved" in text
    assert "14,413" in text and "14413.0" not in text
    # The font is embedded (a PDF core font could not show these letters).
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in f for f in fonts), fonts


def test_pdf_labels_follow_the_reader_language(
    strategy: Strategy, ghg: Indicator, barcelona: City, client_for: Callable[..., Any]
) -> None:
    report = _report(strategy, ghg, barcelona)
    response = client_for(None).get(
        f"/cities/barcelona/strategy/climate/reports/{report.pk}/report.pdf",
        headers={"Accept-Language": "de"},
    )
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    # German groups thousands with a point.
    assert "14.413" in text
