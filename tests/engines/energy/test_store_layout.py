"""Hour-by-hour and coarse readings are stored apart; stores written before that still work."""

from __future__ import annotations

import json

import polars as pl
import pytest

from urbis.engines.energy import energy_balance, ingest_file, list_files, remove_file
from urbis.engines.energy.store import committed_parts, readings_root

from .conftest import write_csv
from .test_balance import HEADER, READINGS


@pytest.fixture
def stored(tmp_path, areas):
    data = tmp_path / "d"
    report = ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert report.status == "stored", report.errors
    return data


def test_hourly_and_coarse_readings_go_to_separate_parts(stored):
    parts = committed_parts(stored, "bcn")
    # The annual gas reading starts 2024-01-01 00:00 +01:00, i.e. in 2023 (UTC).
    assert sorted((p.parent.name, p.name.split(".", 1)[1], kind) for p, kind in parts) == [
        ("year=2023", "coarse.parquet", "coarse"),
        ("year=2024", "coarse.parquet", "coarse"),
        ("year=2024", "parquet", "hourly"),
    ]
    resolutions = {
        kind: set(pl.concat([pl.read_parquet(p) for p, k in parts if k == kind])["resolution"])
        for kind in ("hourly", "coarse")
    }
    assert resolutions == {"hourly": {"hourly", "15min"}, "coarse": {"daily", "annual"}}
    assert sum(pl.read_parquet(p).height for p, _ in parts) == len(READINGS)
    [record] = list_files(stored, "bcn")
    assert sorted(record.parts) == [(2023, "coarse"), (2024, "coarse"), (2024, "hourly")]


def test_a_coarse_reading_already_stored_is_refused(stored, tmp_path, areas):
    daily = [line for line in READINGS if line.endswith(";daily")]
    again = ingest_file(
        write_csv(tmp_path / "again.csv", daily, HEADER),
        city="bcn",
        areas=areas,
        data_dir=stored,
    )
    assert again.status == "rejected"
    assert "already stored" in again.errors[0].reason


def test_removing_a_file_removes_every_part(stored):
    [record] = list_files(stored, "bcn")
    assert remove_file(stored, "bcn", record.file_hash)
    assert committed_parts(stored, "bcn") == []
    assert not list(readings_root(stored).rglob("*.parquet"))


def test_store_written_before_the_split_gives_the_same_balance(stored, areas):
    """Rewrite the store the way it was laid out before (one part per year holding every
    resolution, no ``parts`` in the record): the balance must not change."""
    before = energy_balance(stored, "bcn", areas).to_polars()
    rewrite_as_before_the_split(stored, "bcn")
    assert [kind for _, kind in committed_parts(stored, "bcn")] == ["mixed", "mixed"]
    after = energy_balance(stored, "bcn", areas).to_polars()
    assert after.equals(before)


def rewrite_as_before_the_split(data_dir, city: str) -> None:
    """One part per year holding every resolution, and records without ``parts``."""
    for record in list_files(data_dir, city):
        parts = [(p, k) for p, k in committed_parts(data_dir, city) if record.file_hash in p.name]
        frames = [(p.parent, pl.read_parquet(p)) for p, _ in parts]
        for path, _ in parts:
            path.unlink()
        for folder in {folder for folder, _ in frames}:
            merged = pl.concat([f for d, f in frames if d == folder], how="vertical_relaxed")
            merged.write_parquet(folder / f"{record.file_hash}.parquet")
        catalogue = readings_root(data_dir) / "_catalogue" / f"city={city}"
        path = catalogue / f"{record.file_hash}.json"
        legacy = json.loads(path.read_text())
        del legacy["parts"], legacy["estimate"]
        path.write_text(json.dumps(legacy))


def test_catalogue_records_are_parsed_once_and_reread_when_replaced(tmp_path, areas):
    """Every request lists a city's stored files; a record (which also lists its file's
    meters) is parsed once and reused while its file is unchanged, and read again when it
    is replaced: the same bytes withdrawn and stored again have a new time of ingestion."""
    data = tmp_path / "d"
    path = write_csv(tmp_path / "r.csv", READINGS, HEADER)
    report = ingest_file(path, city="bcn", areas=areas, data_dir=data)
    (first,) = list_files(data, "bcn")
    (again,) = list_files(data, "bcn")
    assert again is first  # not parsed a second time
    assert remove_file(data, "bcn", report.file_hash)
    assert list_files(data, "bcn") == []
    assert ingest_file(path, city="bcn", areas=areas, data_dir=data).status == "stored"
    (renewed,) = list_files(data, "bcn")
    assert renewed.file_hash == first.file_hash
    assert renewed.ingested_at != first.ingested_at
