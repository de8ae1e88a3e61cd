"""A pilot's observational evaluation: the indicator's stored observations before vs after in the
pilot area and against comparison areas (difference-in-differences), on figures worked out by
hand, with the label that it is not a causal estimate, on the page and in the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.insight import queries, services
from urbis.insight.models import Pilot

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def setup(barcelona: Any, paris: Any) -> dict[str, Any]:
    from urbis.places.models import Area
    from urbis.strategy.models import Indicator, Observation

    areas = list(Area.objects.filter(city=barcelona).order_by("code")[:3])
    assert len(areas) == 3, "the demo city has areas"
    pilot_area, a, b = areas
    indicator = Indicator.objects.create(code="test-no2-eval", name="NO2 concentration",
                                         unit="µg/m³", direction="down", theme="environment")
    # Pilot area: before 40, 44 (mean 42), after 30, 33 (mean 31.5): change -10.5.
    # Comparison a: before 40 (one value), after 38: change -2.
    # Comparison b: before 50, 52 (mean 51), after 51, 51 (mean 51): change 0.
    # Mean comparison change -1; difference-in-differences -10.5 - (-1) = -9.5.
    # The 2022 values (between the periods) and Paris's are ignored; one unpublished value in
    # the after period counts only for readers who may see unpublished figures.
    rows = [(pilot_area, D(2020, 12, 31), 40), (pilot_area, D(2021, 12, 31), 44),
            (pilot_area, D(2022, 12, 31), 99), (pilot_area, D(2023, 12, 31), 30),
            (pilot_area, D(2024, 12, 31), 33),
            (a, D(2021, 12, 31), 40), (a, D(2022, 12, 31), 0), (a, D(2024, 12, 31), 38),
            (b, D(2020, 12, 31), 50), (b, D(2021, 12, 31), 52), (b, D(2023, 12, 31), 51),
            (b, D(2024, 12, 31), 51)]
    for area, date, value in rows:
        Observation.objects.create(indicator=indicator, city=barcelona, area=area, date=date,
                                   value=value, source="test")
    Observation.objects.create(indicator=indicator, city=barcelona, area=pilot_area,
                               date=D(2024, 6, 30), value=3, source="test",
                               is_published=False)
    Observation.objects.create(indicator=indicator, city=paris, date=D(2023, 12, 31), value=1)
    pilot = services.create_pilot(
        by=None, operator=True, city=barcelona, slug="low-traffic", title="Low traffic",
        theme="air", goals="Cleaner air", source="test", evaluation_indicator=indicator,
        evaluation_area=pilot_area, comparison_areas=[a, b], before_start=D(2020, 1, 1),
        before_end=D(2021, 12, 31), after_start=D(2023, 1, 1), after_end=D(2024, 12, 31))
    return {"pilot": pilot, "indicator": indicator, "areas": (pilot_area, a, b)}


def test_difference_in_differences_from_the_published_observations(setup: dict[str, Any]) -> None:
    pilot_area, a, b = setup["areas"]
    result = queries.pilot_evaluation(setup["pilot"], None)
    assert result is not None and result["error"] is None
    assert result["method"] == "difference-in-differences"
    assert (result["pilot"]["before_mean"], result["pilot"]["after_mean"]) == (42.0, 31.5)
    assert result["pilot"]["change"] == -10.5
    assert {c["area"]: c["change"] for c in result["comparisons"]} == {a.name: -2.0,
                                                                       b.name: 0.0}
    assert result["comparison_change"] == -1.0
    assert result["difference_in_differences"] == -9.5 and result["improved"] is True
    assert result["unit"] == "µg/m³" and result["observational"] is True
    assert "not a causal estimate" in result["note"]


def test_a_reader_who_may_see_unpublished_values_gets_them(
    setup: dict[str, Any], barcelona: Any, make_user: Callable[..., Any]
) -> None:
    result = queries.pilot_evaluation(setup["pilot"], make_user("editor", barcelona))
    assert result is not None
    # After: 30, 33 and the unpublished 3 -> mean 22.
    assert result["pilot"]["after_mean"] == 22.0 and result["pilot"]["after_n"] == 3


def test_before_after_without_comparison_areas_and_a_missing_period(
    setup: dict[str, Any],
) -> None:
    pilot: Pilot = setup["pilot"]
    pilot.comparison_areas.clear()
    result = queries.pilot_evaluation(pilot, None)
    assert result is not None
    assert result["method"] == "before-after" and result["estimate"] == -10.5
    assert result["difference_in_differences"] is None
    pilot.before_start, pilot.before_end = D(2010, 1, 1), D(2011, 12, 31)
    missing = queries.pilot_evaluation(pilot, None)
    assert missing is not None
    assert missing["error"] == (f"{setup['areas'][0].name}: no observation between 2010-01-01 "
                                "and 2011-12-31.")
    pilot.evaluation_indicator = None
    assert queries.pilot_evaluation(pilot, None) is None


def test_page_and_api_show_the_figures_and_the_label(
    setup: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    page = client_for(None).get("/cities/barcelona/pilots/low-traffic/").content.decode()
    assert "Observational comparison, not a causal estimate" in page
    assert "Difference-in-differences: -9.50 µg/m³." in page
    assert "42.00" in page and "31.50" in page and "The indicator moved the better way." in page
    api = client_for(None).get("/api/v1/cities/barcelona/pilots/low-traffic").json()
    evaluation = api["evaluation"]
    assert evaluation["difference_in_differences"] == -9.5 and evaluation["observational"]
    assert evaluation["before"] == ["2020-01-01", "2021-12-31"]
    assert "not a causal estimate" in evaluation["note"]


def test_the_evaluation_setup_is_checked(
    setup: dict[str, Any], barcelona: Any, paris: Any, make_user: Callable[..., Any]
) -> None:
    from urbis.places.models import Area
    from urbis.strategy.models import Indicator

    editor = make_user("editor", barcelona)
    pilot_area, a, _b = setup["areas"]
    paris_area = Area.objects.filter(city=paris).first()
    own_indicator = Indicator.objects.create(code="paris-own", name="Own", unit="x",
                                             direction="up", theme="environment", city=paris)
    base = {"slug": "e", "title": "E", "theme": "t", "goals": "g", "source": "s"}
    cases = [
        ({"before_start": D(2020, 1, 1)}, {"evaluation_indicator", "before_end", "after_start",
                                           "after_end"}),
        ({"evaluation_indicator": own_indicator, "before_start": D(2020, 1, 1),
          "before_end": D(2021, 1, 1), "after_start": D(2020, 6, 1),
          "after_end": D(2019, 1, 1)}, {"evaluation_indicator", "after_start", "after_end"}),
        ({"evaluation_indicator": setup["indicator"], "evaluation_area": paris_area,
          "comparison_areas": [pilot_area], "before_start": D(2020, 1, 1),
          "before_end": D(2021, 1, 1), "after_start": D(2022, 1, 1),
          "after_end": D(2023, 1, 1)}, {"evaluation_area"}),
        ({"evaluation_indicator": setup["indicator"], "evaluation_area": pilot_area,
          "comparison_areas": [pilot_area, a], "before_start": D(2020, 1, 1),
          "before_end": D(2021, 1, 1), "after_start": D(2022, 1, 1),
          "after_end": D(2023, 1, 1)}, {"comparison_areas"}),
    ]
    if paris_area is None:
        cases.pop(2)
    for extra, fields in cases:
        with pytest.raises(ValidationError) as error:
            services.create_pilot(by=editor, city=barcelona, **base, **extra)
        assert set(error.value.message_dict) == fields, extra
    assert Pilot.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.save_pilot(by=make_user("member", barcelona), city=barcelona,
                            pilot=setup["pilot"], **base)
