"""The energy upload, upload status and PV pages on a phone (390 px wide): their wide tables
scroll sideways inside their own box instead of widening the whole page (which shrank the
header and pushed the text off the screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.energy.conftest import readings
from tests.energy.test_browser import places  # noqa: F401  (fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_and_pv_pages_fit_a_phone_screen(
    login_page: Any, live_server: Any, make_user: Any, energy_dir: Path, write_file: Any,
    places: None,  # noqa: F811
) -> None:
    from tests.a11y import axe_violations
    from urbis.energy.models import EnergyUpload, PvInstallation
    from urbis.places.models import Area, City

    city = City.objects.get(code="barcelona")
    call_command("energy", "ingest", str(write_file("barcelona-readings-2024.csv", readings())),
                 "--city", "barcelona", verbosity=0)
    PvInstallation.objects.create(
        area=Area.objects.filter(city=city).order_by("code").first(),
        name="Escola Municipal de Música, coberta", capacity_kwp=48.5, commissioned_year=2021,
        source="test register")
    page = login_page(make_user("editor", city))
    page.set_viewport_size({"width": 390, "height": 844})
    upload = EnergyUpload.objects.filter(city=city).first()
    paths = ["/cities/barcelona/energy/upload/", "/cities/barcelona/energy/pv/"]
    if upload is not None:
        paths.append(upload.get_absolute_url())
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)
        assert axe_violations(page) == [], path
