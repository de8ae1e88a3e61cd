"""A driver's stored path reads in its form as it was entered: 1620000, not 1620000.0."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.scenarios import services
from urbis.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def test_whole_path_values_are_shown_whole(scenario: Scenario, barcelona: Any,
                                           client_for: Any, make_user: Any) -> None:
    editor = make_user("editor", barcelona)
    driver = services.save_driver(editor, scenario, kind="population", unit="inhabitants",
                                  sectors=["residential_buildings"], source="test path",
                                  points={2020: 1_620_000, 2030: 1_700_000.5})
    html = client_for(editor).get(
        f"/cities/barcelona/scenarios/pla-clima/drivers/{driver.pk}/").content.decode()
    assert 'value="1620000"' in html and "1620000.0" not in html
    assert 'value="1700000.5"' in html


def test_what_moves_business_as_usual_signs_a_growth(scenario: Scenario, barcelona: Any,
                                                     client_for: Any, make_user: Any) -> None:
    """+10.0 % beside −1.0 %, so that a growth does not read like a bare share."""
    editor = make_user("editor", barcelona)
    services.save_driver(editor, scenario, kind="population", unit="inhabitants",
                         sectors=["residential_buildings"], source="test path",
                         points={2020: 1_600_000, 2030: 1_760_000})
    services.run_scenario(None, scenario, samples=10, seed=1, operator=True)
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    assert "× 1.100 (+10.0 %)" in html
