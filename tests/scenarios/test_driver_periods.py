"""A driver given as growth rates per period: checked by the service (gaps, overlaps, rates
outside ±20 %/yr, periods not covering the horizon: clear errors, nothing stored), set by page
and API, and moving the stored projection as worked by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from urbis.scenarios import services
from urbis.scenarios.models import Driver, DriverPeriod, Scenario

pytestmark = pytest.mark.django_db
URL = "/cities/barcelona/scenarios/pla-clima/"
API = "/api/v1/cities/barcelona/scenarios/pla-clima/drivers"
# The fixture's scenario: inventory 2020, last year 2040.
GOOD = [(2020, 2030, 0.01), (2030, 2040, 0.003)]


def _stored() -> tuple[Any, ...]:
    return (list(Driver.objects.values_list("kind", "growth_rate")),
            list(DriverPeriod.objects.values_list("start_year", "end_year", "growth_rate")))


def test_periods_move_the_stored_projection_by_hand(scenario: Scenario, make_user: Any,
                                                     barcelona: Any) -> None:
    services.save_driver(make_user("editor", barcelona), scenario, kind="households",
                         sectors=["residential_buildings"], periods=GOOD, source="test")
    run = services.run_scenario(None, scenario, samples=20, seed=3, operator=True)
    r = run.result
    homes = {row["sector"]: row for row in r["drivers"]["sectors"]}["residential_buildings"]
    # 2040: 1.01^10 × 1.003^10 = 1.1046221254 × 1.0304082571 = 1.1382117590
    assert homes["index_last"] == pytest.approx(1.138212, abs=1e-6)
    assert homes["mwh_last"] == pytest.approx(1_800_000 * 1.1382117590, abs=0.01)
    # 2025, by hand: homes 1.01^5 = 1.0510100501 × (1,000,000 × 0.202 + 800,000 × 0.2)
    # = 380,465.638; offices 900,000 × 0.2 = 180,000; cars 600,000 × 0.249 + 700,000 ×
    # 0.267 = 336,300 (electricity factor 0.2 in 2025 on the test path).
    k = r["years"].index(2025)
    assert r["bau"][k] == pytest.approx(380_465.638 + 180_000 + 336_300, abs=0.01)
    assert r["drivers"]["given"][0]["periods"] == [[2020, 2030, 0.01], [2030, 2040, 0.003]]


@pytest.mark.parametrize(("periods", "words"), [
    ([(2020, 2028, 0.01), (2030, 2040, 0.0)], "Periods 1 and 2: a gap from 2028 to 2030"),
    ([(2020, 2032, 0.01), (2030, 2040, 0.0)], "Periods 1 and 2 overlap (2030–2032)"),
    ([(2020, 2030, 0.25), (2030, 2040, 0.0)], "Period 1 (2020–2030), growth: between −0.2"),
    ([(2020, 2030, 0.01), (2030, 2040, -0.3)], "Period 2 (2030–2040), growth: between −0.2"),
    ([(2022, 2030, 0.01), (2030, 2040, 0.0)], "start in the inventory's year 2020 or before"),
    ([(2020, 2030, 0.01), (2030, 2035, 0.0)], "reach the scenario's last year 2040"),
    ([(2020, 2020, 0.01), (2020, 2040, 0.0)], "Period 1 (2020–2020): the first year must"),
])
def test_bad_periods_refused_with_a_clear_error_nothing_stored(
        scenario: Scenario, make_user: Any, barcelona: Any, periods: Any, words: str) -> None:
    editor = make_user("editor", barcelona)
    services.save_driver(editor, scenario, kind="population", growth_rate=0.005,
                         sectors=["tertiary_buildings"])
    before = _stored()
    with pytest.raises(ValidationError) as err:
        services.save_driver(editor, scenario, kind="households",
                             sectors=["residential_buildings"], periods=periods)
    assert any(words in m for m in err.value.message_dict["periods"]), err.value.message_dict
    assert _stored() == before


def test_periods_and_a_rate_at_once_refused(scenario: Scenario, make_user: Any,
                                            barcelona: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.save_driver(make_user("editor", barcelona), scenario, kind="households",
                             sectors=["residential_buildings"], periods=GOOD, growth_rate=0.01)
    assert "not several" in err.value.message_dict["growth_rate"][0]
    assert not Driver.objects.exists()


def test_changing_to_a_rate_drops_the_periods(scenario: Scenario, make_user: Any,
                                              barcelona: Any) -> None:
    editor = make_user("editor", barcelona)
    d = services.save_driver(editor, scenario, kind="households",
                             sectors=["residential_buildings"], periods=GOOD)
    assert d.periods.count() == 2
    services.save_driver(editor, scenario, driver=d, kind="households", growth_rate=0.0,
                         sectors=["residential_buildings"])
    assert not DriverPeriod.objects.exists()


def test_page_form_sets_periods_and_shows_errors(scenario: Scenario, client_for: Any,
                                                 make_user: Any, barcelona: Any) -> None:
    client = client_for(make_user("editor", barcelona))
    page = client.get(URL + "drivers/new/").content.decode()
    assert 'id="driver-periods"' in page and 'name="periods-0-start_year"' in page
    form = {"kind": "households", "sectors": ["residential_buildings"],
            "points-TOTAL_FORMS": 0, "points-INITIAL_FORMS": 0,
            "periods-TOTAL_FORMS": 2, "periods-INITIAL_FORMS": 0,
            "periods-0-start_year": 2020, "periods-0-end_year": 2030,
            "periods-0-growth_rate": 0.01,
            "periods-1-start_year": 2031, "periods-1-end_year": 2040,
            "periods-1-growth_rate": 0.003}
    bad = client.post(URL + "drivers/new/", form)
    assert bad.status_code == 422 and not Driver.objects.exists()
    assert "a gap from 2030 to 2031" in bad.content.decode()
    ok = client.post(URL + "drivers/new/", {**form, "periods-1-start_year": 2030})
    assert ok.status_code == 302
    d = Driver.objects.get()
    assert list(d.periods.values_list("start_year", "end_year", "growth_rate")) == GOOD
    assert "2030–2040: 0.003 a year" in client.get(URL + "edit/").content.decode()
    again = client.get(URL + f"drivers/{d.pk}/").content.decode()
    assert 'name="periods-1-start_year" value="2030"' in again


def test_api_sets_periods_and_refuses_others(scenario: Scenario, client_for: Any,
                                             make_user: Any, barcelona: Any) -> None:
    body = {"sectors": ["residential_buildings"],
            "periods": [{"start_year": a, "end_year": b, "growth_rate": g} for a, b, g in GOOD]}
    member = client_for(make_user("member", barcelona))
    assert member.put(API + "/households", body,
                      content_type="application/json").status_code == 403
    assert client_for(None).put(API + "/households", body,
                                content_type="application/json").status_code in (401, 403)
    editor = client_for(make_user("editor", barcelona))
    bad = editor.put(API + "/households", {**body, "periods": body["periods"][:1]},
                     content_type="application/json")
    assert bad.status_code == 422 and "last year 2040" in bad.content.decode()
    assert not Driver.objects.exists()
    ok = editor.put(API + "/households", body, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["periods"] == body["periods"]
    listed = client_for(None).get(API).json()
    assert listed[0]["periods"] == body["periods"]
