"""The Poblenou superblock pilot evaluated against measured rents per barri (Open Data BCN):
stored through strategy's services, the figures equal to the file's, the page labelled
observational with the data's source, and a bad file refused with nothing stored."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from statistics import mean
from typing import Any

import pytest
from django.test import Client

from urbis.errors import ImportRefused
from urbis.insight import evaluation_data, services
from urbis.insight.models import Pilot
from urbis.strategy.models import Indicator, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(barcelona: Any) -> Any:
    return services.create_pilot(
        by=None, operator=True, city=barcelona, slug="poblenou-superblock",
        title="Poblenou superblock", theme="mobility", goals="Fewer cars in inner streets",
        source="Ajuntament de Barcelona (2016), government measure on superblocks")


def _expected() -> dict[str, Any]:
    """The figures straight from the file: quarterly means per barri in each period."""
    per_barri: dict[str, dict[str, list[float]]] = {}
    with evaluation_data.RENT_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year, quarter = int(row["year"]), int(row["quarter"])
            period = ("before" if (year, quarter) <= (2016, 2) else
                      "after" if year >= 2017 else None)
            if period and "m2" in row["measure"]:
                per_barri.setdefault(row["barri_code"], {"before": [], "after": []})[
                    period].append(float(row["value"]))
    change = {b: mean(v["after"]) - mean(v["before"]) for b, v in per_barri.items()}
    others = [c for b, c in change.items() if b != "66"]
    return {"before": mean(per_barri["66"]["before"]), "after": mean(per_barri["66"]["after"]),
            "n": (len(per_barri["66"]["before"]), len(per_barri["66"]["after"])),
            "comparisons": len(others), "did": change["66"] - mean(others)}


def test_the_pilot_is_evaluated_against_the_published_rents(pilot: Any, barcelona: Any) -> None:
    evaluation_data.load_poblenou_rent_evaluation(barcelona)
    evaluation_data.load_poblenou_rent_evaluation(barcelona)  # idempotent
    assert Observation.objects.filter(indicator__code="barcelona-rent-per-m2").count() == 240
    expected = _expected()
    assert expected["n"] == (10, 12) and expected["comparisons"] == 9
    result = Client().get("/api/v1/cities/barcelona/pilots/poblenou-superblock").json()
    evaluation = result["evaluation"]
    assert evaluation["error"] is None and evaluation["observational"] is True
    assert evaluation["method"] == "difference-in-differences"
    assert evaluation["area"] == "el Parc i la Llacuna del Poblenou"
    assert evaluation["pilot"]["before_mean"] == pytest.approx(expected["before"])
    assert evaluation["pilot"]["after_mean"] == pytest.approx(expected["after"])
    assert (evaluation["pilot"]["before_n"], evaluation["pilot"]["after_n"]) == expected["n"]
    assert len(evaluation["comparisons"]) == 9
    assert evaluation["difference_in_differences"] == pytest.approx(expected["did"])
    assert evaluation["sources"] == [evaluation_data.RENT_SOURCE]
    # The pilot record itself is as it was (sourced, not illustrative); only its set-up changed.
    assert result["illustrative"] is False and result["source"].startswith("Ajuntament")
    page = Client().get("/cities/barcelona/pilots/poblenou-superblock/").content.decode()
    assert "Open Data BCN" in page and "CC BY 4.0" in page
    assert "Observational comparison, not a causal estimate" in page


def test_a_bad_file_is_refused_naming_the_row_and_nothing_is_stored(
    pilot: Any, barcelona: Any, tmp_path: Path,
) -> None:
    bad = tmp_path / "rents.csv"
    shutil.copy(evaluation_data.RENT_FILE, bad)
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",n/a"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        evaluation_data.load_poblenou_rent_evaluation(barcelona, bad)
    error = refused.value.errors[0]
    assert (error.file, error.row, error.field) == ("rents.csv", 6, "value")
    assert not Indicator.objects.filter(code="barcelona-rent-per-m2").exists()
    assert not Observation.objects.exists()
    assert Pilot.objects.get(pk=pilot.pk).evaluation_indicator is None


def test_a_city_without_the_pilot_is_left_alone(paris: Any) -> None:
    assert evaluation_data.load_poblenou_rent_evaluation(paris) is None
    assert not Observation.objects.exists()
