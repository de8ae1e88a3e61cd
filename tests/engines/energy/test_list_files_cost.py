"""Listing a city's stored files costs one stat of the catalogue folder while it is unchanged,
not one per file: every map and balance request lists them, and a city of a million meters
delivered as a thousand files made each request read a thousand records (bench/energy_scale.py).
A change to the folder is always seen."""

from __future__ import annotations

import json
import os
import time

import pytest

from urbis.engines.energy import list_files, remove_file
from urbis.engines.energy import store as store_module
from urbis.engines.energy.store import _catalogue_dir

from .conftest import write_csv
from .test_balance import HEADER, READINGS


def _record(folder, n: int) -> None:
    payload = {
        "city": "big", "file_hash": f"{n:064x}", "source_name": f"f{n}.csv", "rows": 1,
        "meters": 1,
        "first_ts": "2023-01-01T00:00:00", "last_ts": "2023-01-01T01:00:00",
        "ingested_at": f"2026-01-01T00:00:{n % 60:02d}", "years": [2023],
        "parts": [[2023, "hourly"]], "meter_ids": [f"m{n}"],
    }
    (folder / f"{n:064x}.json").write_text(json.dumps(payload))


def _settle(folder) -> None:
    """Date the folder's last change a minute back, as if nothing had changed since."""
    past = time.time() - 60
    os.utime(folder, (past, past))


@pytest.fixture
def reads(monkeypatch):
    calls: list[object] = []
    real = store_module._read_record

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(store_module, "_read_record", counting)
    return calls


def test_an_unchanged_catalogue_is_listed_without_reading_its_records(tmp_path, reads):
    folder = _catalogue_dir(tmp_path, "big")
    folder.mkdir(parents=True)
    for n in range(300):
        _record(folder, n)
    _settle(folder)
    first = list_files(tmp_path, "big")
    assert len(first) == 300 and len(reads) == 300
    reads.clear()
    again = list_files(tmp_path, "big")
    assert again == first
    assert reads == []  # one stat of the folder, none of its 300 records
    again.pop()  # a caller's list is its own
    assert len(list_files(tmp_path, "big")) == 300


def test_a_record_added_or_removed_after_a_cached_listing_is_seen(tmp_path):
    folder = _catalogue_dir(tmp_path, "big")
    folder.mkdir(parents=True)
    for n in range(3):
        _record(folder, n)
    _settle(folder)
    assert len(list_files(tmp_path, "big")) == 3
    _record(folder, 3)
    assert len(list_files(tmp_path, "big")) == 4
    (folder / f"{0:064x}.json").unlink()
    assert [r.source_name for r in list_files(tmp_path, "big")] == ["f1.csv", "f2.csv", "f3.csv"]


def test_a_folder_changed_just_now_is_not_trusted(tmp_path, reads):
    """Time stamps are coarse: a change in the same tick as the listing would leave the
    folder's time unchanged, so a fresh folder is listed record by record every time."""
    folder = _catalogue_dir(tmp_path, "big")
    folder.mkdir(parents=True)
    _record(folder, 1)
    list_files(tmp_path, "big")
    reads.clear()
    list_files(tmp_path, "big")
    assert len(reads) == 1


def test_ingest_and_withdrawal_are_seen_at_once(tmp_path, areas):
    from urbis.engines.energy import ingest_file

    data = tmp_path / "d"
    assert list_files(data, "bcn") == []
    report = ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert report.ok
    assert [r.file_hash for r in list_files(data, "bcn")] == [report.file_hash]
    _settle(_catalogue_dir(data, "bcn"))
    assert len(list_files(data, "bcn")) == 1
    assert remove_file(data, "bcn", report.file_hash)
    assert list_files(data, "bcn") == []
