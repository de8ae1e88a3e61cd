"""Readings files refused with errors their sender can act on (issue 15, security 5 and 6)."""

from __future__ import annotations

import gzip

import pytest

from tests.engines.energy.conftest import HEADER, areas  # noqa: F401  (the fixture)
from urbis.engines.energy import committed_paths, ingest_file

ROW = "{meter};2024-06-01T{hour}:00:00+02:00;1,5;kWh;consumption;residential;electricity;N1"


def _text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_latin1_file_is_refused_naming_row_and_byte(tmp_path, areas, gzipped):  # noqa: F811
    text = _text(ROW.format(meter="m1", hour="10"), ROW.format(meter="Zähler-1", hour="11"))
    data = text.encode("latin-1")
    path = tmp_path / ("latin1.csv.gz" if gzipped else "latin1.csv")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "rejected"
    [error] = report.errors
    assert error.row == 3  # header row 1, m1 row 2, the meter with "ä" row 3
    assert "not UTF-8" in error.reason
    assert f"byte {data.index(b'Z') + 1}" in error.reason  # the "ä" (0xE4) after the "Z"
    assert committed_paths(tmp_path / "d", "bcn") == []


def test_a_utf8_file_with_the_same_meter_is_stored_unmangled(tmp_path, areas):  # noqa: F811
    import polars as pl

    path = tmp_path / "utf8.csv"
    path.write_text(
        _text(ROW.format(meter="Zähler-1", hour="10"), ROW.format(meter="Zähler-1", hour="11")),
        encoding="utf-8",
    )
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "stored", report.errors
    stored = pl.read_parquet(committed_paths(tmp_path / "d", "bcn"))
    assert stored["meter_id"].unique().to_list() == ["Zähler-1"]


@pytest.mark.parametrize("name", ["readings.parquet", "readings.csv"])
def test_an_empty_file_is_called_empty_not_an_empty_csv(tmp_path, areas, name):  # noqa: F811
    path = tmp_path / name
    path.write_bytes(b"")
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert [(e.row, e.reason) for e in report.errors] == [(0, "the file is empty (0 bytes)")]


def test_a_parquet_name_on_other_content_says_so(tmp_path, areas):  # noqa: F811
    path = tmp_path / "readings.parquet"
    path.write_text(_text(ROW.format(meter="m1", hour="10")))
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    [error] = report.errors
    assert "not a Parquet file" in error.reason


def test_a_duplicate_reading_gives_one_error_not_a_resolution_one_too(tmp_path, areas):  # noqa: F811
    path = tmp_path / "dup.csv"
    path.write_text(
        _text(
            ROW.format(meter="m1", hour="10"),
            ROW.format(meter="m1", hour="11"),
            ROW.format(meter="m1", hour="11"),
        )
    )
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "rejected"
    assert [(e.row, e.field) for e in report.errors] == [(4, "timestamp")]
    assert "duplicate reading" in report.errors[0].reason
