"""A refused reading file's reasons read in the reader's language: the engine gives each from
one English template with a code, and the energy app words it from the code and the values
(issue 16; the rule is in CONTRIBUTING.md)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.engines.energy.conftest import HEADER, areas  # noqa: F401  (the fixture)
from urbis.energy import reasons
from urbis.engines.energy import ingest_file
from urbis.engines.energy.model import READING_REASONS


def test_every_engine_reason_has_a_translatable_wording_with_its_values() -> None:
    assert set(reasons.WORDING) == set(READING_REASONS)
    for code, template in READING_REASONS.items():
        sentence, names = reasons.WORDING[code]
        assert template.count("{}") == len(names), code
        assert sorted(re.findall(r"%\((\w+)\)s", str(sentence))) == sorted(names), code


@pytest.mark.parametrize("code", sorted(READING_REASONS))
def test_each_reason_is_read_back_to_its_own_code_and_values(code: str) -> None:
    names = reasons.WORDING[code][1]
    values = [f"v{n}" for n in range(len(names))]
    text = READING_REASONS[code].format(*values)
    assert reasons.parse(text) == (code, dict(zip(names, values, strict=True)))
    with translation.override("en"):
        assert reasons.in_language(text) == text  # the English wording is the engine's


BAD_ROWS = [
    ";2024-06-01T10:00:00+02:00;1,5;kWh;consumption;residential;electricity;N1",
    "m1;yesterday;1,5;kWh;consumption;residential;electricity;N1",
    "m2;2024-06-01T10:00:00+02:00;1,5;kW;consumption;residential;electricity;N1",
    "m3;2024-06-01T10:00:00+02:00;1,5;kWh;consumed;residential;electricity;N1",
    "m4;2024-06-01T10:00:00+02:00;-1;kWh;consumption;residential;electricity;N1",
    "m5;2024-06-01T10:00:00+02:00;1,5;kWh;consumption;residential;electricity;XX",
    "m6;2024-06-01T10:00:00+02:00;abc;kWh;consumption;residential;electricity;N1",
]


def test_reasons_of_a_real_refused_file_are_all_read(tmp_path, areas) -> None:  # noqa: F811
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, *BAD_ROWS]) + "\n", encoding="utf-8")
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "rejected"
    assert len(report.errors) >= len(BAD_ROWS)
    unread = [e.reason for e in report.errors if reasons.parse(e.reason) is None]
    assert unread == []
    codes = {reasons.parse(e.reason)[0] for e in report.errors}  # type: ignore[index]
    assert {"missing_meter_id", "not_a_timestamp", "unknown_unit", "unknown_code",
            "negative_value", "unknown_area_code", "not_a_number"} <= codes


def test_an_unknown_text_is_shown_as_stored() -> None:
    assert reasons.in_language("something an older version wrote") == (
        "something an older version wrote")
    stored = [{"file": "a.csv", "row": 2, "field": "unit", "reason": "x"}]
    assert reasons.errors_in_language(stored) == stored


def test_upload_refusal_reads_in_german_on_the_api_and_the_page(
    barcelona, make_user, client_for, energy_dir, inline_jobs,
    django_capture_on_commit_callbacks,
) -> None:
    import io

    editor = make_user("editor", barcelona)
    client = client_for(editor)
    upload = io.BytesIO(b"meter_id;timestamp;value;flow;sector;carrier;area_code\n")
    upload.name = "no-unit.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/cities/barcelona/energy/uploads", {"file": upload})
    assert response.status_code == 202
    url = response.json()["url"]
    english = client.get(url, headers={"Accept-Language": "en"}).json()
    assert english["status"] == "rejected"
    assert [(e["field"], e["reason"]) for e in english["errors"]] == [("unit", "missing column")]
    german = client.get(url, headers={"Accept-Language": "de"}).json()
    assert german["errors"][0]["reason"] == "fehlende Spalte"
    from urbis.energy.models import EnergyUpload

    stored = EnergyUpload.objects.get()
    assert stored.errors[0]["reason"] == "missing column"  # stored as the engine said it
    page = client.get(f"/cities/barcelona/energy/uploads/{stored.pk}/",
                      headers={"Accept-Language": "de"})
    assert page.status_code == 200
    assert "<td>fehlende Spalte</td>" in page.content.decode()
