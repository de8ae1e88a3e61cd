"""Emission factors read as entered: 0.25 and 0.202, never 0.2500 and 0.2020 (four decimals
whatever the figure suggested a precision no source gives), in the reader's number format,
and a path of factors by year one year a line."""

from __future__ import annotations

import re
from typing import Any

import pytest

from urbis.scenarios import services
from urbis.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def _factor_cells(html: str) -> dict[str, str]:
    """Each factor row's carrier → its factor cell's inner HTML."""
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(.*?)</td>', html, re.S)
    return {label.strip(): cell for label, cell in rows}


def test_factors_show_the_decimals_they_have_in_the_readers_format(
    scenario: Scenario, client_for: Any
) -> None:
    from django.utils import translation

    services.run_scenario(None, scenario, samples=10, seed=1, operator=True)
    client = client_for(None)
    for path in ("/cities/barcelona/scenarios/factors/", "/cities/barcelona/scenarios/pla-clima/"):
        with translation.override("de"):
            electricity = translation.gettext("Electricity")
            gas = translation.gettext("Natural gas")
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        cells = _factor_cells(html)
        # The fixture's test path for electricity: 0.25 in 2020, 0.05 in 2040, one a line.
        assert "2020: 0,25;<br>2040: 0,05" in cells[electricity], (path, cells[electricity])
        assert cells[gas] == "0,202", (path, cells[gas])
        assert "0,2500" not in html and "0,2020" not in html, path
