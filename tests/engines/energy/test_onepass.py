"""A typed Parquet delivery stored in one DuckDB pass must store exactly what the full row
check stores, and every file the full check refuses must be refused with the same errors,
nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urbis.engines.energy import (
    changed_years,
    energy_balance,
    ingest_file,
    list_files,
    onepass,
    remove_file,
    update_balance,
)
from urbis.engines.energy.store import readings_root
from urbis.engines.energy.synth import synth, synthetic_areas

_START = datetime(2024, 12, 31, 22, tzinfo=UTC)  # crosses a UTC year


def frame(rows: list[dict], *, points: bool = False) -> pl.DataFrame:
    """Readings as a typed frame (UTC timestamps, float values), as a meter data system
    exports them."""
    base = {
        "meter_id": "m1",
        "unit": "kWh",
        "flow": "consumption",
        "sector": "residential",
        "carrier": "electricity",
        "resolution": "hourly",
    }
    full = [{**base, **row} for row in rows]
    schema = {
        "meter_id": pl.String,
        "timestamp": pl.Datetime("us", "UTC"),
        "value": pl.Float64,
        "unit": pl.String,
        "flow": pl.String,
        "sector": pl.String,
        "carrier": pl.String,
        "resolution": pl.String,
    }
    if points:
        schema |= {"lon": pl.Float64, "lat": pl.Float64}
    else:
        schema |= {"area_code": pl.String}
    return pl.DataFrame(full, schema=schema)


def hours(meter: str, area: str, n: int = 4, **extra) -> list[dict]:
    return [
        {"meter_id": meter, "area_code": area, "timestamp": _START + timedelta(hours=i),
         "value": 1.5 + i, **extra}
        for i in range(n)
    ]


def stored(data) -> tuple[pl.DataFrame, pl.DataFrame, list]:
    """Every stored reading and cube row (text as plain strings), and the catalogue."""
    root = readings_root(data)
    parts = sorted(p for p in root.rglob("*.parquet") if not p.name.endswith(".cube.parquet"))
    cubes = sorted(root.rglob("*.cube.parquet"))

    def text(frames: list[pl.DataFrame]) -> pl.DataFrame:
        return pl.concat(
            [f.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String)) for f in frames]
        )

    rows = text([pl.read_parquet(p) for p in parts]).sort("meter_id", "flow", "ts")
    cube = text([pl.read_parquet(p) for p in cubes]).sort(pl.all())
    records = [
        (r.rows, r.meters, r.years, r.first_ts, r.last_ts, r.parts)
        for r in list_files(data, "bcn")
    ]
    return rows, cube, records


def deliver_both_ways(work, areas, paths, withdrawn) -> None:
    """Deliver ``paths`` one after the other into two stores, one pass and full check: after
    each, the stores are equal row for row, and the balance from the merged cubes, from the
    raw readings and updated for the changed years agree; again after withdrawing one."""
    data = {True: work / "fast", False: work / "full"}
    previous = energy_balance(data[True], "bcn", areas, tz="Europe/Madrid")
    hashes = []
    for path in paths:
        before = list_files(data[True], "bcn")
        reports = {
            one_pass: ingest_file(
                path, city="bcn", areas=areas, data_dir=data[one_pass], one_pass=one_pass
            )
            for one_pass in (True, False)
        }
        assert reports[True].ok and reports[False].ok, reports[False].errors
        hashes.append(reports[True].file_hash)
        a, b = stored(data[True]), stored(data[False])
        assert a[0].equals(b[0]) and a[1].equals(b[1]) and a[2] == b[2]
        cube = energy_balance(data[True], "bcn", areas, tz="Europe/Madrid", source="cube")
        raw = energy_balance(data[True], "bcn", areas, tz="Europe/Madrid", source="readings")
        assert cube.to_polars().equals(raw.to_polars())
        years = changed_years(before, list_files(data[True], "bcn"), "Europe/Madrid")
        updated = update_balance(previous, data[True], "bcn", areas, years, tz="Europe/Madrid")
        assert updated.to_polars().equals(raw.to_polars())
        previous = updated
    assert remove_file(data[True], "bcn", hashes[withdrawn % len(hashes)])
    cube = energy_balance(data[True], "bcn", areas, tz="Europe/Madrid", source="cube")
    raw = energy_balance(data[True], "bcn", areas, tz="Europe/Madrid", source="readings")
    assert cube.to_polars().equals(raw.to_polars())


def both_ways(tmp_path, path, areas, **options):
    """The reports and stores of the one-pass ingest and of the full check."""
    out = {}
    for one_pass in (True, False):
        data = tmp_path / f"d-{one_pass}"
        report = ingest_file(
            path, city="bcn", areas=areas, data_dir=data, one_pass=one_pass, **options
        )
        out[one_pass] = (report, data)
    return out


def test_a_clean_file_goes_through_one_pass(tmp_path, areas, monkeypatch):
    """The fast path is taken (else this file's tests would test the full check twice)."""
    path = tmp_path / "f.parquet"
    frame(hours("m1", "N1") + hours("m2", "N2")).write_parquet(path)
    taken = []
    real = onepass.try_ingest

    def spy(*args, **kwargs):
        taken.append(result := real(*args, **kwargs))
        return result

    monkeypatch.setattr(onepass, "try_ingest", spy)
    assert ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d").ok
    assert taken and taken[0] is not None


@pytest.mark.parametrize(
    "rows, points",
    [
        (hours("m1", "N1") + hours("m2", "N2", flow="production"), False),
        # Wh, 15-minute, daily and annual readings, two sectors, mixed in one file
        (
            hours("m1", "N1", n=8, unit="Wh", resolution="15min")
            + [
                {"meter_id": "d1", "area_code": "N2", "timestamp": _START + timedelta(days=i),
                 "value": 10.0 * i, "resolution": "daily", "sector": "commercial"}
                for i in range(3)
            ]
            + [{"meter_id": "y1", "area_code": "D1", "timestamp": _START, "value": 1234.5,
                "resolution": "annual", "carrier": "gas"}],
            False,
        ),
        # meters placed by their coordinates
        (
            [{**r, "lon": 2.155, "lat": 41.385} for r in hours("m1", None)]
            + [{**r, "lon": 2.165, "lat": 41.385} for r in hours("m2", None)],
            True,
        ),
    ],
    ids=["hourly", "units-and-resolutions", "coordinates"],
)
def test_one_pass_stores_what_the_full_check_stores(tmp_path, areas, rows, points):
    # 15-minute readings: every quarter hour
    for row in rows:
        if row.get("resolution") == "15min":
            row["timestamp"] = _START + (row["timestamp"] - _START) / 4
    path = tmp_path / "f.parquet"
    data = frame([{k: v for k, v in r.items() if v is not None} for r in rows], points=points)
    data.write_parquet(path)
    out = both_ways(tmp_path, path, areas)
    fast, full = out[True], out[False]
    assert fast[0].ok and full[0].ok, (fast[0].errors, full[0].errors)
    assert (fast[0].rows, fast[0].meters, fast[0].years) == (
        full[0].rows, full[0].meters, full[0].years
    )
    a, b = stored(fast[1]), stored(full[1])
    assert a[0].height == len(rows)
    assert a[0].equals(b[0])  # the same readings, bit for bit
    assert a[1].equals(b[1])  # the same cube
    assert a[2] == b[2]  # the same catalogue figures


def _two_keys(rows: list[dict]) -> None:
    """Meter m2 under a second sector, repeating one of its readings there."""
    rows[5].update(sector="commercial", timestamp=rows[4]["timestamp"])


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r[1].update(value=-1.0),
        lambda r: r[1].update(value=float("nan")),
        lambda r: r[1].update(value=None),
        lambda r: r[1].update(value=1e9),
        lambda r: r[1].update(unit="kW"),
        lambda r: r[1].update(flow="export"),
        lambda r: r[1].update(area_code="N9"),
        lambda r: r[1].update(area_code=None),
        lambda r: r[1].update(meter_id=""),
        lambda r: r[1].update(resolution="weekly"),
        lambda r: r[1].update(timestamp=_START + timedelta(minutes=30)),
        lambda r: r[1].update(timestamp=None),
        lambda r: r[2].update(timestamp=r[1]["timestamp"]),  # a repeated reading
        _two_keys,
    ],
    ids=[
        "negative", "nan", "missing-value", "absurd", "unit", "flow",
        "unknown-area", "no-area", "no-meter", "resolution", "misaligned", "no-time",
        "duplicate", "meter-with-two-keys",
    ],
)
def test_a_file_the_full_check_refuses_is_refused_alike(tmp_path, areas, change):
    rows = hours("m1", "N1") + hours("m2", "N2")
    change(rows)
    path = tmp_path / "bad.parquet"
    frame(rows).write_parquet(path)
    out = both_ways(tmp_path, path, areas)
    fast, full = out[True][0], out[False][0]
    assert not full.ok
    assert not fast.ok
    assert fast.errors == full.errors
    for _, data in out.values():
        root = readings_root(data)
        assert not root.exists() or not list(root.rglob("*.parquet"))


def test_codes_the_full_check_tidies_are_stored_alike(tmp_path, areas):
    """Untrimmed or upper-case codes and units: the screen leaves them to the full check,
    which stores them tidied; nothing differs."""
    rows = hours("m1", "N1") + hours("m2", "N2", sector=" Commercial", unit="KWH")
    path = tmp_path / "f.parquet"
    frame(rows).write_parquet(path)
    out = both_ways(tmp_path, path, areas)
    assert out[True][0].ok and out[False][0].ok
    a, b = stored(out[True][1]), stored(out[False][1])
    assert set(a[0]["sector"]) == {"residential", "commercial"}
    assert a[0].equals(b[0]) and a[1].equals(b[1])


def test_a_file_duckdb_cannot_read_gets_the_full_checks_report(tmp_path, areas):
    """Its footer intact, its data pages garbled: the full check reports it unreadable."""
    path = tmp_path / "broken.parquet"
    frame(hours("m1", "N1", n=200) + hours("m2", "N2", n=200)).write_parquet(
        path, compression="uncompressed"
    )
    raw = bytearray(path.read_bytes())
    raw[100:3000] = b"\xff" * 2900
    path.write_bytes(bytes(raw))
    out = both_ways(tmp_path, path, areas)
    fast, full = out[True][0], out[False][0]
    assert not full.ok
    assert fast.errors == full.errors
    assert not list(out[True][1].rglob("*.parquet"))


def test_a_reading_already_stored_is_refused_with_its_row(tmp_path, areas):
    first = tmp_path / "first.parquet"
    second = tmp_path / "second.parquet"
    frame(hours("m1", "N1")).write_parquet(first)
    frame(hours("m1", "N1", n=6)[3:]).write_parquet(second)  # overlaps at one hour
    reports = {}
    for one_pass in (True, False):
        data = tmp_path / f"d-{one_pass}"
        assert ingest_file(first, city="bcn", areas=areas, data_dir=data, one_pass=one_pass).ok
        reports[one_pass] = ingest_file(
            second, city="bcn", areas=areas, data_dir=data, one_pass=one_pass
        )
        assert len(list_files(data, "bcn")) == 1
    assert not reports[True].ok
    assert reports[True].errors == reports[False].errors
    assert reports[True].errors[0].row == 1 and reports[True].errors[0].field == "timestamp"


def test_a_failure_while_writing_leaves_nothing(tmp_path, areas, monkeypatch):
    from urbis.engines.energy.store import PendingFile

    path = tmp_path / "f.parquet"
    frame(hours("m1", "N1") + hours("m2", "N2")).write_parquet(path)

    def broken(self, key, table):
        raise OSError("disk full")

    monkeypatch.setattr(PendingFile, "append", broken)
    with pytest.raises(OSError):
        ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert list_files(tmp_path / "d", "bcn") == []
    assert not list((tmp_path / "d").rglob("*.parquet"))


def test_synthetic_city_one_pass_equals_full_check(tmp_path):
    """Many meters placed by coordinates, a year crossing partitions, rows > one batch."""
    areas = synthetic_areas("bcn", districts=2, neighbourhoods_per_district=2)
    (path,) = synth(6, 2023, out_dir=tmp_path / "in", city="bcn", areas=areas, meters_per_file=6)
    out = both_ways(tmp_path, path, areas)
    assert out[True][0].ok and out[False][0].ok
    a, b = stored(out[True][1]), stored(out[False][1])
    assert a[0].height == 6 * 8760
    assert a[0].equals(b[0]) and a[1].equals(b[1]) and a[2] == b[2]


@st.composite
def typed_deliveries(draw):
    """A few typed Parquet deliveries, each of distinct meters, sharing areas and hours."""
    files = []
    for f in range(draw(st.integers(1, 3))):
        rows = []
        for m in range(draw(st.integers(1, 3))):
            resolution = draw(st.sampled_from(("hourly", "15min", "daily")))
            step = {"hourly": 60, "15min": 15, "daily": 1440}[resolution]
            common = {
                "meter_id": f"f{f}m{m}",
                "flow": draw(st.sampled_from(("consumption", "production"))),
                "area_code": draw(st.sampled_from(("N1", "N2"))),
                "sector": draw(st.sampled_from(("residential", "commercial"))),
                "resolution": resolution,
                "unit": draw(st.sampled_from(("kWh", "Wh"))),
            }
            for i in range(draw(st.integers(1, 8))):
                value = draw(
                    st.floats(0, 50, allow_nan=False, allow_infinity=False)
                    | st.sampled_from((4e-7, 5e-7, 6e-7, 1.0000005))
                )
                rows.append(
                    {**common, "timestamp": _START + timedelta(minutes=step * i), "value": value}
                )
        files.append(rows)
    return files


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=typed_deliveries(), withdrawn=st.integers(0, 2))
def test_random_typed_deliveries_one_pass_equals_full_check(
    tmp_path_factory, areas, files, withdrawn
):
    """After every typed delivery: the one-pass store equals the full check's store row for
    row, and the balance updated, from the merged cubes and from raw readings agree."""
    work = tmp_path_factory.mktemp("typed")
    paths = []
    for number, rows in enumerate(files):
        paths.append(work / f"f{number}.parquet")
        frame(rows).write_parquet(paths[-1])
    deliver_both_ways(work, areas, paths, withdrawn)
