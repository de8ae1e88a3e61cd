from __future__ import annotations

import gzip

import polars as pl
import pytest

from urbis.engines.energy import committed_paths, ingest, ingest_file, list_files, remove_file

from .conftest import write_csv

GOOD = [
    "m1;2024-06-01T10:00:00+02:00;1,5;kWh;consumption;residential;electricity;N1",
    "m1;2024-06-01T11:00:00+02:00;2000;Wh;consumption;residential;electricity;N1",
    "p1;2024-06-01T10:00:00+02:00;0,003;MWh;production;residential;electricity;N1",
    "p1;2024-06-01T11:00:00+02:00;0,5;kWh;production;residential;electricity;N1",
]


@pytest.fixture(autouse=True, params=["whole", "sliced"])
def checked_as(request, monkeypatch):
    """Every test here runs twice: the file checked whole, and cut into slices of a few
    meters read a few rows at a time (how a file of millions of readings is checked). Both
    must store the same readings and report the same errors."""
    if request.param == "sliced":
        monkeypatch.setattr(ingest, "SLICE_ROWS", 2)
        monkeypatch.setattr(ingest, "BATCH_ROWS", 3)
    return request.param


def stored(data_dir) -> pl.DataFrame:
    paths = committed_paths(data_dir, "bcn")
    return pl.read_parquet(paths) if paths else pl.DataFrame()


def test_csv_semicolon_decimal_comma_units_and_utc(tmp_path, areas):
    path = write_csv(tmp_path / "a.csv", GOOD)
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "stored", report.errors
    assert (report.rows, report.meters, report.years) == (4, 2, (2024,))
    rows = stored(tmp_path / "d").sort("meter_id", "ts")
    assert rows["kwh"].to_list() == [1.5, 2.0, 3.0, 0.5]
    assert str(rows["ts"][0]) == "2024-06-01 08:00:00"  # stored in UTC
    assert rows["resolution"].unique().to_list() == ["hourly"]  # inferred from spacing
    part = committed_paths(tmp_path / "d", "bcn")[0]
    assert part.parent.name == "year=2024" and part.parent.parent.name == "city=bcn"
    assert part.name == f"{report.file_hash}.parquet"


def test_gzip_comma_delimited_and_naive_timestamps_with_tz(tmp_path, areas):
    lines = [ln.replace(";", ",").replace(",5;", ".5;") for ln in GOOD]
    text = "meter_id,timestamp,value,unit,flow,sector,carrier,area_code\n"
    text += "\n".join(
        ln.replace("T", " ")
        .replace("+02:00", "")
        .replace("1,5", "1.5")
        .replace("0,003", "0.003")
        .replace("0,5", "0.5")
        for ln in (g.replace(";", ",") for g in GOOD)
    )
    assert lines  # the semicolon lines were only a template
    path = tmp_path / "b.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d", tz="Europe/Madrid")
    assert report.status == "stored", report.errors
    rows = stored(tmp_path / "d").sort("meter_id", "ts")
    assert rows["kwh"].to_list() == [1.5, 2.0, 3.0, 0.5]
    assert str(rows["ts"][0]) == "2024-06-01 08:00:00"


def test_timestamps_with_fractions_of_a_second_and_basic_offsets(tmp_path, areas):
    """As pandas and polars write them: ".000000" seconds and "+0000" offsets."""
    lines = [
        "m1;2024-06-01T08:00:00.000000+0000;1;kWh;consumption;residential;electricity;N1",
        "m1;2024-06-01 10:00:00.000+0200;2;kWh;consumption;residential;electricity;N1",
    ]
    report = ingest_file(
        write_csv(tmp_path / "f.csv", lines),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        resolution="hourly",
    )
    assert report.status == "rejected"  # the same hour twice
    assert [(e.row, e.field) for e in report.errors] == [(3, "timestamp")]
    assert "duplicate reading" in report.errors[0].reason
    lines[1] = lines[1].replace("10:00:00.000+0200", "11:00:00.000+0200")
    report = ingest_file(
        write_csv(tmp_path / "g.csv", lines), city="bcn", areas=areas, data_dir=tmp_path / "d"
    )
    assert report.status == "stored", report.errors
    assert [str(t) for t in stored(tmp_path / "d").sort("ts")["ts"]] == [
        "2024-06-01 08:00:00",
        "2024-06-01 09:00:00",
    ]


def test_parquet_input_with_coordinates_spatial_join(tmp_path, areas):
    frame = pl.DataFrame(
        {
            "meter_id": ["a", "b", "c"],
            "timestamp": ["2024-01-01T00:00:00Z"] * 3,
            "value": [1.0, 2.0, 3.0],
            "unit": ["kWh"] * 3,
            "flow": ["consumption"] * 3,
            "sector": ["residential", "commercial", "public"],
            "carrier": ["electricity"] * 3,
            "resolution": ["hourly"] * 3,
            "lon": [2.155, 2.165, 2.1605],
            "lat": [41.385, 41.385, 41.381],
        }
    )
    path = tmp_path / "c.parquet"
    frame.write_parquet(path)
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "stored", report.errors
    rows = stored(tmp_path / "d").sort("meter_id")
    assert rows["area_code"].to_list() == ["N1", "N2", "N2"]


def test_spatial_join_outside_every_area_is_an_error(tmp_path, areas):
    header = "meter_id;timestamp;value;unit;flow;sector;carrier;lon;lat;resolution"
    lines = [
        "a;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;2,155;41,385;hourly",
        "b;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;3,0;41,385;hourly",
    ]
    report = ingest_file(
        write_csv(tmp_path / "x.csv", lines, header),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "rejected"
    assert [(e.row, e.field) for e in report.errors] == [(3, "lon")]
    assert "no known area" in report.errors[0].reason


def test_area_code_and_coordinates_mixed_in_one_file(tmp_path, areas):
    """Rows with a code keep it; rows with only coordinates are placed; each point once."""
    header = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code;lon;lat;resolution"
    lines = []
    for hour in range(3):
        ts = f"2024-01-01T0{hour}:00:00Z"
        lines += [
            f"a;{ts};1;kWh;consumption;residential;electricity;N2;;;hourly",
            f"b;{ts};1;kWh;consumption;residential;electricity;;2,155;41,385;hourly",
            f"c;{ts};1;kWh;consumption;residential;electricity;;2,165;41,385;hourly",
            f"d;{ts};1;kWh;production;residential;electricity;;2,1551;41,3851;hourly",
        ]
    report = ingest_file(
        write_csv(tmp_path / "m.csv", lines, header),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "stored", report.errors
    rows = stored(tmp_path / "d")
    placed = dict(rows.select("meter_id", "area_code").unique().iter_rows())
    assert placed == {"a": "N2", "b": "N1", "c": "N2", "d": "N1"}


def test_a_row_of_an_unknown_area_gets_one_error_not_three(tmp_path, areas):
    """An unknown code without coordinates used to add 'no area code and no valid latitude'
    and '... longitude' to the report, which said the code was missing when it was wrong."""
    header = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code;lon;lat;resolution"
    lines = [
        "a;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;N2;;;hourly",
        "b;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;ZZ;;;hourly",
        "c;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;;;;hourly",
    ]
    report = ingest_file(
        write_csv(tmp_path / "m.csv", lines, header),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "rejected"
    assert [(e.row, e.field, e.reason) for e in report.errors] == [
        (3, "area_code", "unknown area code 'ZZ'"),
        (4, "lat", "no area code and no valid latitude"),
        (4, "lon", "no area code and no valid longitude"),
    ]
    assert committed_paths(tmp_path / "d", "bcn") == []


def test_points_whose_hashes_collide_are_still_placed_exactly(tmp_path, areas, monkeypatch):
    """Rows are matched to their points by a hash; a collision must fall back to the exact
    join, so force every point onto one hash."""
    from urbis.engines.energy import validate

    monkeypatch.setattr(validate, "_point_key", lambda: pl.lit(7, pl.UInt64))
    header = "meter_id;timestamp;value;unit;flow;sector;carrier;lon;lat;resolution"
    lines = [
        "b;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;2,155;41,385;hourly",
        "c;2024-01-01T00:00:00Z;1;kWh;consumption;residential;electricity;2,165;41,385;hourly",
        "b;2024-01-01T01:00:00Z;1;kWh;consumption;residential;electricity;2,155;41,385;hourly",
    ]
    report = ingest_file(
        write_csv(tmp_path / "k.csv", lines, header),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "stored", report.errors
    placed = dict(stored(tmp_path / "d").select("meter_id", "area_code").unique().iter_rows())
    assert placed == {"b": "N1", "c": "N2"}


def test_every_repeat_of_a_reading_names_the_first_row(tmp_path, areas):
    lines = [
        "m1;2024-06-01T10:00:00+02:00;1;kWh;consumption;residential;electricity;N1",  # row 2
        "m1;2024-06-01T11:00:00+02:00;1;kWh;consumption;residential;electricity;N1",
        "p1;2024-06-01T10:00:00+02:00;1;kWh;production;residential;electricity;N1",
        "m1;2024-06-01T08:00:00Z;2;kWh;consumption;residential;electricity;N1",  # row 5 = row 2
        "m1;2024-06-01T10:00:00+02:00;1;kWh;production;residential;electricity;N1",
        "m1;2024-06-01T10:00:00+02:00;3;kWh;consumption;residential;electricity;N1",  # row 7
        "p1;2024-06-01T11:00:00+02:00;1;kWh;production;residential;electricity;N1",
        "p1;2024-06-01T10:00:00+02:00;1;kWh;production;residential;electricity;N1",  # row 9
    ]
    report = ingest_file(
        write_csv(tmp_path / "dup.csv", lines),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        resolution="hourly",
    )
    assert report.status == "rejected"
    assert [(e.row, e.field) for e in report.errors] == [
        (5, "timestamp"),
        (7, "timestamp"),
        (9, "timestamp"),
    ]
    assert [e.reason.rsplit(" ", 1)[1] for e in report.errors] == ["2", "2", "4"]
    assert committed_paths(tmp_path / "d", "bcn") == []


def test_same_file_twice_is_stored_once(tmp_path, areas):
    path = write_csv(tmp_path / "a.csv", GOOD)
    first = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    second = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert (first.status, second.status) == ("stored", "duplicate")
    assert stored(tmp_path / "d").height == 4
    assert len(list_files(tmp_path / "d", "bcn")) == 1


def test_overlapping_readings_from_another_file_are_refused(tmp_path, areas):
    data = tmp_path / "d"
    ingest_file(write_csv(tmp_path / "a.csv", GOOD), city="bcn", areas=areas, data_dir=data)
    overlap = [
        "m1;2024-06-01T12:00:00+02:00;1;kWh;consumption;residential;electricity;N1",
        "m1;2024-06-01T11:00:00+02:00;9;kWh;consumption;residential;electricity;N1",
    ]
    report = ingest_file(
        write_csv(tmp_path / "b.csv", overlap), city="bcn", areas=areas, data_dir=data
    )
    assert report.status == "rejected"
    assert [(e.row, e.field) for e in report.errors] == [(3, "timestamp")]
    assert "already stored by a.csv" in report.errors[0].reason
    assert stored(data).height == 4 and stored(data)["kwh"].sum() == 7.0
    # Correction route: withdraw the old file, then the new one goes in.
    assert remove_file(data, "bcn", list_files(data, "bcn")[0].file_hash)
    again = ingest_file(tmp_path / "b.csv", city="bcn", areas=areas, data_dir=data)
    assert again.status == "stored", again.errors
    assert sorted(stored(data)["kwh"].to_list()) == [1.0, 9.0]


BAD_CASES = [
    (
        "bad unit",
        "m9;2024-06-01T10:00:00+02:00;1;kW;consumption;residential;electricity;N1",
        "unit",
        "unknown unit",
    ),
    (
        "naive timestamp",
        "m9;2024-06-01 10:00:00;1;kWh;consumption;residential;electricity;N1",
        "timestamp",
        "no UTC offset",
    ),
    (
        "negative",
        "m9;2024-06-01T10:00:00+02:00;-1;kWh;consumption;residential;electricity;N1",
        "value",
        "negative",
    ),
    (
        "absurd",
        "m9;2024-06-01T10:00:00+02:00;90000;kWh;consumption;residential;electricity;N1",
        "value",
        "absurd",
    ),
    (
        "duplicate",
        "m1;2024-06-01T10:00:00+02:00;1,5;kWh;consumption;residential;electricity;N1",
        "timestamp",
        "duplicate reading",
    ),
    (
        "unknown area",
        "m9;2024-06-01T10:00:00+02:00;1;kWh;consumption;residential;electricity;ZZ",
        "area_code",
        "unknown area code",
    ),
    (
        "unknown sector",
        "m9;2024-06-01T10:00:00+02:00;1;kWh;consumption;farming;electricity;N1",
        "sector",
        "unknown sector",
    ),
    (
        "unknown carrier",
        "m9;2024-06-01T10:00:00+02:00;1;kWh;consumption;public;steam;N1",
        "carrier",
        "unknown carrier",
    ),
    (
        "off the hour by half a second",
        "m9;2024-06-01T10:00:00.5+02:00;1;kWh;consumption;public;gas;N1",
        "timestamp",
        "not at the start of its hourly interval",
    ),
    (
        "not a number",
        "m9;2024-06-01T10:00:00+02:00;abc;kWh;consumption;public;gas;N1",
        "value",
        "not a number",
    ),
]


@pytest.mark.parametrize(
    ("label", "bad_line", "field", "reason"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_bad_row_is_named_and_nothing_is_stored(tmp_path, areas, label, bad_line, field, reason):
    data = tmp_path / "d"
    before = ingest_file(
        write_csv(tmp_path / "ok.csv", GOOD), city="bcn", areas=areas, data_dir=data
    )
    assert before.status == "stored"
    snapshot = stored(data).sort("meter_id", "ts")
    files_before = sorted(p.name for p in (data / "energy").rglob("*") if p.is_file())
    lines = [ln.replace("m1;", "n1;").replace("p1;", "q1;") for ln in GOOD]
    lines.insert(2, bad_line)  # the bad row is spreadsheet row 4 (header is row 1)
    if label == "duplicate":
        lines[2] = lines[0]
    path = write_csv(tmp_path / "bad.csv", lines)
    report = ingest_file(path, city="bcn", areas=areas, data_dir=data, resolution="hourly")
    assert report.status == "rejected"
    assert (report.errors[0].file, report.errors[0].row, report.errors[0].field) == (
        "bad.csv",
        4,
        field,
    )
    assert reason in report.errors[0].reason
    assert stored(data).sort("meter_id", "ts").equals(snapshot)
    files_after = sorted(p.name for p in (data / "energy").rglob("*") if p.is_file())
    assert files_after == files_before


def test_many_errors_are_collected_and_capped(tmp_path, areas):
    lines = [
        f"m{i};2024-06-01T10:00:00+02:00;-1;kWh;consumption;residential;electricity;N1"
        for i in range(150)
    ]
    report = ingest_file(
        write_csv(tmp_path / "neg.csv", lines),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        resolution="hourly",
    )
    assert report.status == "rejected"
    assert len(report.errors) == 100 and report.errors_truncated
    assert [e.row for e in report.errors[:3]] == [2, 3, 4]


def test_missing_column_is_a_file_level_error(tmp_path, areas):
    path = tmp_path / "m.csv"
    path.write_text("meter_id;timestamp;value\nm1;2024-01-01T00:00:00Z;1\n")
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert report.status == "rejected"
    assert {(e.row, e.field) for e in report.errors} >= {(0, "unit"), (0, "sector")}


def test_ambiguous_local_time_is_refused(tmp_path, areas):
    lines = ["m1;2024-10-27 02:30;1;kWh;consumption;residential;electricity;N1"]
    report = ingest_file(
        write_csv(tmp_path / "dst.csv", lines),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
        tz="Europe/Madrid",
        resolution="15min",
    )
    assert report.status == "rejected"
    assert report.errors[0].field == "timestamp" and "DST" in report.errors[0].reason


def test_overlap_is_refused_for_parquet_input_too(tmp_path, areas):
    frame = pl.DataFrame(
        {
            "meter_id": ["a", "a"],
            "timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"],
            "value": [1.0, 2.0],
            "unit": ["kWh"] * 2,
            "flow": ["consumption"] * 2,
            "sector": ["residential"] * 2,
            "carrier": ["electricity"] * 2,
            "area_code": ["N1"] * 2,
        }
    )
    frame.write_parquet(tmp_path / "one.parquet")
    frame.tail(1).write_parquet(tmp_path / "two.parquet")
    data = tmp_path / "d"
    assert ingest_file(tmp_path / "one.parquet", city="bcn", areas=areas, data_dir=data).ok
    report = ingest_file(
        tmp_path / "two.parquet", city="bcn", areas=areas, data_dir=data, resolution="hourly"
    )
    assert report.status == "rejected"
    assert [(e.row, e.field) for e in report.errors] == [(1, "timestamp")]


def test_columns_ingestion_does_not_know_are_ignored(tmp_path, areas):
    header = "Comment;meter_id;timestamp;value;unit;flow;sector;carrier;area_code;Address"
    lines = [f"note {i};{line};Carrer {i}, 08001" for i, line in enumerate(GOOD)]
    report = ingest_file(
        write_csv(tmp_path / "wide.csv", lines, header),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "stored", report.errors
    rows = stored(tmp_path / "d")
    assert rows.height == 4 and "comment" not in rows.columns and "address" not in rows.columns
