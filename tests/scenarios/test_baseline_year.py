"""A baseline inventory's year (or kind) may not be changed so that a monitoring inventory (MEI)
that already exists is no longer after the baseline: refused on the year field, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from urbis.scenarios import services
from urbis.scenarios.models import Inventory

pytestmark = pytest.mark.django_db


def _rows(*cells: tuple[str, str, float]) -> list[dict[str, Any]]:
    return [{"sector": s, "carrier": c, "energy_mwh": m, "source": "test"} for s, c, m in cells]


@pytest.fixture
def mei(inventory: Inventory, barcelona: Any, make_user: Any) -> Inventory:
    return services.save_inventory(make_user("editor", barcelona), barcelona, kind="mei",
                                   year=2023, rows=_rows(("industry", "electricity", 5.0)))


def _form(inventory: Inventory, **changes: str) -> dict[str, str]:
    rows = list(inventory.rows.all())
    data = {"inv-kind": inventory.kind, "inv-year": str(inventory.year),
            "inv-local_production_mwh": str(inventory.local_production_mwh or 0),
            "inv-source": inventory.source, "inv-is_published": "on",
            "rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": str(len(rows))}
    for k, r in enumerate(rows):
        data.update({f"rows-{k}-sector": r.sector, f"rows-{k}-carrier": r.carrier,
                     f"rows-{k}-energy_mwh": str(r.energy_mwh), f"rows-{k}-source": r.source})
    data.update(changes)
    return data


@pytest.mark.parametrize("year", [2023, 2025])
def test_baseline_year_at_or_after_an_mei_is_refused(inventory: Inventory, mei: Inventory,
                                                     barcelona: Any, make_user: Any,
                                                     year: int) -> None:
    editor = make_user("editor", barcelona)
    rows = _rows(*((r.sector, r.carrier, r.energy_mwh) for r in inventory.rows.all()))
    with pytest.raises(ValidationError) as err:
        services.save_inventory(editor, barcelona, inventory=inventory, rows=rows,
                                year=year)
    assert list(err.value.message_dict) == ["year"]
    assert "monitoring inventories of 2023 are not after" in err.value.message_dict["year"][0]
    inventory.refresh_from_db()
    assert inventory.year == 2020 and inventory.rows.count() == 5
    # A year still before the MEI is accepted.
    services.save_inventory(editor, barcelona, inventory=inventory, rows=rows, year=2021)
    inventory.refresh_from_db()
    assert inventory.year == 2021


def test_baseline_year_change_refused_on_the_page(inventory: Inventory, mei: Inventory,
                                                  barcelona: Any, make_user: Any,
                                                  client_for: Any) -> None:
    editor = client_for(make_user("editor", barcelona))
    url = f"/cities/barcelona/scenarios/inventories/{inventory.pk}/"
    response = editor.post(url, _form(inventory, **{"inv-year": "2024"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert "monitoring inventories of 2023 are not after 2024" in html
    inventory.refresh_from_db()
    assert inventory.year == 2020
    assert sorted(Inventory.objects.values_list("kind", "year")) == [("bei", 2020),
                                                                     ("mei", 2023)]
    response = editor.post(url, _form(inventory, **{"inv-year": "2022"}))
    assert response.status_code == 302
    inventory.refresh_from_db()
    assert inventory.year == 2022


def test_the_only_baseline_cannot_become_an_mei(inventory: Inventory, mei: Inventory,
                                                barcelona: Any, make_user: Any,
                                                client_for: Any) -> None:
    """Before, the baseline being changed counted as its own baseline: changed into an MEI of a
    later year, it left the city's MEIs without a baseline."""
    editor = client_for(make_user("editor", barcelona))
    url = f"/cities/barcelona/scenarios/inventories/{inventory.pk}/"
    response = editor.post(url, _form(inventory, **{"inv-kind": "mei", "inv-year": "2021"}))
    assert response.status_code == 422
    assert "baseline inventory first" in response.content.decode()
    inventory.refresh_from_db()
    assert (inventory.kind, inventory.year) == ("bei", 2020)


def test_a_second_later_baseline_keeps_the_earliest_as_the_rule(
        inventory: Inventory, mei: Inventory, barcelona: Any, make_user: Any,
        client_for: Any) -> None:
    """The rule is on the earliest baseline, as for a new MEI: a later second baseline is
    accepted, an earlier one too; through the API's CSV import as through the service."""
    api = client_for(make_user("editor", barcelona))
    csv = "sector,carrier,energy_mwh\nindustry,electricity,7\n"
    for year in (2024, 2018):
        response = api.post(f"/api/v1/cities/barcelona/inventories/{year}",
                            {"file": _upload(csv), "kind": "bei"})
        assert response.status_code == 201, response.content
    assert sorted(Inventory.objects.filter(kind="bei").values_list("year", flat=True)) == [
        2018, 2020, 2024]


@pytest.mark.parametrize("role", [None, "member"])
def test_baseline_change_refused_without_the_role(inventory: Inventory, mei: Inventory,
                                                  barcelona: Any, make_user: Any,
                                                  client_for: Any, role: str | None) -> None:
    client = client_for(make_user(role, barcelona) if role else None)
    response = client.post(f"/cities/barcelona/scenarios/inventories/{inventory.pk}/",
                           _form(inventory, **{"inv-year": "2021"}))
    assert response.status_code in ({302} if role is None else {403})
    inventory.refresh_from_db()
    assert inventory.year == 2020


def _upload(text: str) -> Any:
    import io

    handle = io.BytesIO(text.encode())
    handle.name = "bei.csv"
    return handle
