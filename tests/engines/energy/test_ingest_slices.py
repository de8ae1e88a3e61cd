"""A file of millions of readings is checked slice by slice; the outcome must be the one
checking it whole gives, and a failure half-way must leave the store as it was."""

from __future__ import annotations

import json
import threading
import time

import polars as pl
import pytest

from urbis.engines.energy import committed_paths, ingest, ingest_file, list_files
from urbis.engines.energy import slices as slicing
from urbis.engines.energy.store import PendingFile, readings_root

from .conftest import write_csv

SECTORS = ("residential", "commercial", "public")


def readings(meters: int = 12, hours: int = 6, *, bad: dict[int, str] | None = None) -> list[str]:
    """Meters in file order hour by hour (so each meter's rows are spread over the file);
    ``bad`` replaces the line at an index (0-based) by another."""
    lines = []
    for hour in range(hours):
        for meter in range(meters):
            flow = "production" if meter % 4 == 3 else "consumption"
            area = "N1" if meter % 2 else "N2"
            value = f"{(meter + 1) * 0.5 + hour:.2f}".replace(".", ",")
            lines.append(
                f"m{meter:02d};2024-03-0{1 + hour // 24}T{hour % 24:02d}:00:00+01:00;{value};kWh;"
                f"{flow};{SECTORS[meter % 3]};electricity;{area}"
            )
    for index, line in (bad or {}).items():
        lines[index] = line
    return lines


@pytest.fixture
def cuts(monkeypatch):
    """Record the meters of each slice each sliced ingestion cut its file into."""
    seen: list[list[set[str]]] = []
    real = slicing.cut

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        seen.append([set(pl.read_parquet(list(s.files))["meter_id"]) for s in result])
        return result

    monkeypatch.setattr(ingest, "cut", spy)
    return seen


def store_files(data_dir) -> list[str]:
    root = data_dir / "energy"
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".lock-")
    )


def stored_rows(data_dir) -> pl.DataFrame:
    return pl.read_parquet(committed_paths(data_dir, "bcn")).sort("meter_id", "flow", "ts")


def test_sliced_file_stores_what_the_whole_file_stores(tmp_path, areas, cuts):
    path = write_csv(tmp_path / "r.csv", readings())
    whole = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "whole")
    sliced = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "sliced", slice_rows=10)
    assert whole.status == sliced.status == "stored", sliced.errors
    [meters_per_slice] = cuts
    assert len(meters_per_slice) > 2
    # No meter is in two slices: repeats and spacing are checked within a meter.
    assert sum(len(m) for m in meters_per_slice) == len(set().union(*meters_per_slice)) == 12
    assert (sliced.rows, sliced.meters, sliced.years) == (whole.rows, whole.meters, whole.years)
    assert stored_rows(tmp_path / "sliced").equals(stored_rows(tmp_path / "whole"))
    [a], [b] = list_files(tmp_path / "whole", "bcn"), list_files(tmp_path / "sliced", "bcn")
    assert (a.first_ts, a.last_ts, a.parts) == (b.first_ts, b.last_ts, b.parts)
    # The work directory of the cut is gone.
    assert not any((tmp_path / "sliced" / "energy" / "work").iterdir())


def test_sliced_file_reports_the_errors_of_the_whole_file(tmp_path, areas, cuts):
    bad = {
        5: "m05;2024-03-01T00:00:00+01:00;-1;kWh;consumption;public;electricity;N1",
        30: "m06;2024-03-01T02:00:00+01:00;1;kW;consumption;residential;electricity;N2",
        70: "m10;2024-03-01T00:00:00+01:00;1;kWh;consumption;residential;electricity;N2",
    }
    path = write_csv(tmp_path / "bad.csv", readings(bad=bad))
    common = {"city": "bcn", "areas": areas, "resolution": "hourly"}
    whole = ingest_file(path, data_dir=tmp_path / "whole", **common)
    sliced = ingest_file(path, data_dir=tmp_path / "sliced", slice_rows=10, **common)
    assert len(cuts[0]) > 2
    assert whole.status == sliced.status == "rejected"
    assert [(e.row, e.field) for e in sliced.errors] == [
        (7, "value"),
        (32, "unit"),
        (72, "timestamp"),
    ]
    assert sliced.errors == whole.errors
    assert "same meter, flow and timestamp as row 12" in sliced.errors[2].reason
    capped = ingest_file(path, data_dir=tmp_path / "capped", slice_rows=10, max_errors=2, **common)
    assert [e.row for e in capped.errors] == [7, 32] and capped.errors_truncated
    assert store_files(tmp_path / "sliced") == []


def test_rows_are_numbered_across_read_batches(tmp_path, areas, monkeypatch):
    """The file is read a few rows at a time; row numbers continue from batch to batch."""
    monkeypatch.setattr(ingest, "BATCH_ROWS", 7)
    bad = {60: "m00;2024-03-01T05:00:00+01:00;x;kWh;consumption;residential;electricity;N2"}
    report = ingest_file(
        write_csv(tmp_path / "r.csv", readings(bad=bad)),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        slice_rows=10,
    )
    assert [(e.row, e.field, e.reason) for e in report.errors] == [(62, "value", "not a number")]


def test_sliced_parquet_input(tmp_path, areas, cuts):
    lines = [line.split(";") for line in readings()]
    frame = pl.DataFrame(
        {
            "meter_id": [x[0] for x in lines],
            "timestamp": [x[1] for x in lines],
            "value": [float(x[2].replace(",", ".")) for x in lines],
            "unit": [x[3] for x in lines],
            "flow": [x[4] for x in lines],
            "sector": [x[5] for x in lines],
            "carrier": [x[6] for x in lines],
            "area_code": [x[7] for x in lines],
        }
    )
    frame.write_parquet(tmp_path / "r.parquet", row_group_size=10)
    frame[40, "value"] = -3.0  # record 41
    frame.write_parquet(tmp_path / "bad.parquet", row_group_size=10)
    good = ingest_file(
        tmp_path / "r.parquet", city="bcn", areas=areas, data_dir=tmp_path / "d", slice_rows=10
    )
    assert good.status == "stored" and good.rows == 72 and len(cuts[0]) > 2
    bad = ingest_file(
        tmp_path / "bad.parquet", city="bcn", areas=areas, data_dir=tmp_path / "e", slice_rows=10
    )
    assert [(e.row, e.field) for e in bad.errors] == [(41, "value")]


def test_reading_already_stored_in_a_late_slice_stores_nothing(tmp_path, areas, cuts):
    data = tmp_path / "d"
    first = write_csv(tmp_path / "a.csv", readings(meters=12, hours=2))
    assert ingest_file(first, city="bcn", areas=areas, data_dir=data).status == "stored"
    before, rows_before = store_files(data), stored_rows(data)
    # Hours 2-5 are new for every meter, hour 1 of meter 11 is not.
    later = readings(meters=12, hours=6)[24:]
    later.append(readings(meters=12, hours=2)[23])
    report = ingest_file(
        write_csv(tmp_path / "b.csv", later), city="bcn", areas=areas, data_dir=data, slice_rows=10
    )
    assert len(cuts[0]) > 2
    assert report.status == "rejected"
    assert [(e.row, e.field) for e in report.errors] == [(50, "timestamp")]
    assert "already stored by a.csv" in report.errors[0].reason
    assert store_files(data) == before and stored_rows(data).equals(rows_before)


def test_failure_while_writing_a_later_slice_leaves_the_store_as_it_was(
    tmp_path, areas, monkeypatch
):
    data = tmp_path / "d"
    write_csv(tmp_path / "a.csv", readings(meters=4, hours=2))
    assert ingest_file(tmp_path / "a.csv", city="bcn", areas=areas, data_dir=data).ok
    before, rows_before = store_files(data), stored_rows(data)
    real_add, calls = PendingFile.add, []

    def failing_add(self, rows):
        calls.append(rows.height)
        if len(calls) == 3:
            raise OSError("disk full")
        real_add(self, rows)

    monkeypatch.setattr(PendingFile, "add", failing_add)
    more = [line.replace("m0", "x0").replace("m1", "x1") for line in readings()]
    with pytest.raises(OSError, match="disk full"):
        ingest_file(
            write_csv(tmp_path / "b.csv", more),
            city="bcn",
            areas=areas,
            data_dir=data,
            slice_rows=10,
        )
    assert len(calls) == 3
    assert store_files(data) == before and stored_rows(data).equals(rows_before)
    assert [r.source_name for r in list_files(data, "bcn")] == ["a.csv"]


def test_slices_are_written_beside_the_next_check_one_at_a_time(tmp_path, areas, monkeypatch):
    """A slice's write runs on the writer thread while the next slice is checked; never two
    writes at once, and every write has ended before the commit."""
    real_add, real_commit = PendingFile.add, PendingFile.commit
    threads: list[str] = []
    running = [0]
    most = [0]
    committed_while_writing: list[int] = []

    def spy_add(self, rows):
        threads.append(threading.current_thread().name)
        running[0] += 1
        most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)  # long enough for the next slice's check to start
            real_add(self, rows)
        finally:
            running[0] -= 1

    def spy_commit(self, *args, **kwargs):
        committed_while_writing.append(running[0])
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(PendingFile, "add", spy_add)
    monkeypatch.setattr(PendingFile, "commit", spy_commit)
    report = ingest_file(
        write_csv(tmp_path / "r.csv", readings()),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        slice_rows=10,
    )
    assert report.status == "stored" and report.rows == 72
    assert len(threads) > 2
    assert all(name.startswith("urbis-slice-writer") for name in threads)
    assert most[0] == 1 and committed_while_writing == [0]
    whole = ingest_file(
        tmp_path / "r.csv", city="bcn", areas=areas, data_dir=tmp_path / "whole", one_pass=False
    )
    assert whole.status == "stored"
    assert stored_rows(tmp_path / "d").equals(stored_rows(tmp_path / "whole"))


def test_unreadable_line_half_way_is_a_file_error_and_leaves_nothing(tmp_path, areas):
    lines = readings()
    lines[40] = 'm01;"2024-03-01T03:00:00+01:00;1;kWh'  # an unclosed quote
    report = ingest_file(
        write_csv(tmp_path / "broken.csv", lines),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        slice_rows=10,
    )
    assert report.status == "rejected"
    assert (report.errors[0].row, report.errors[0].field) == (0, "*")
    assert report.errors[0].reason.startswith("cannot read file")
    assert store_files(tmp_path / "d") == []


def test_catalogue_record_of_a_sliced_file_lists_every_meter_once(tmp_path, areas):
    data = tmp_path / "d"
    report = ingest_file(
        write_csv(tmp_path / "r.csv", readings()),
        city="bcn",
        areas=areas,
        data_dir=data,
        slice_rows=10,
    )
    record = readings_root(data) / "_catalogue" / "city=bcn" / f"{report.file_hash}.json"
    ids = json.loads(record.read_text())["meter_ids"]
    assert ids == sorted({f"m{i:02d}" for i in range(12)})


def test_meters_of_one_area_sector_and_carrier_share_a_slice(tmp_path, areas, cuts):
    """The store clusters a slice's rows by (area, sector, carrier): a group spread over
    many slices would be stored as many short runs. Meters m and m+6 share a group here
    (12 readings a group), and slices of 24 readings need not split any; one file gives
    areas by code, the other by coordinates placed in them."""
    by_code = write_csv(tmp_path / "code.csv", readings())
    header = "meter_id;timestamp;value;unit;flow;sector;carrier;lon;lat"
    points = {"N1": "2,155;41,385", "N2": "2,165;41,385"}
    by_point = write_csv(
        tmp_path / "point.csv",
        [line.rsplit(";", 1)[0] + ";" + points[line.rsplit(";", 1)[1]] for line in readings()],
        header,
    )
    for number, path in enumerate((by_code, by_point)):
        report = ingest_file(
            path, city="bcn", areas=areas, data_dir=tmp_path / f"d{number}", slice_rows=24
        )
        assert report.status == "stored", report.errors
        meters_per_slice = cuts[number]
        assert len(meters_per_slice) == 3
        for meter in range(6):
            pair = {f"m{meter:02d}", f"m{meter + 6:02d}"}
            assert any(pair <= meters for meters in meters_per_slice), pair


def test_progress_names_each_slice(tmp_path, areas):
    said: list[str] = []
    path = write_csv(tmp_path / "r.csv", readings())
    report = ingest_file(
        path, city="bcn", areas=areas, data_dir=tmp_path / "d", slice_rows=24, progress=said.append
    )
    assert report.status == "stored"
    assert said == [
        "cutting into slices",
        "checking slice 1 of 3",
        "checking slice 2 of 3",
        "checking slice 3 of 3",
        "committing",
    ]
    said.clear()
    ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "e", progress=said.append)
    assert said == ["reading", "checking", "committing"]
