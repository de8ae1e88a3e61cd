"""The hourly cubes written at ingestion give the balance of the raw readings, exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urbis.engines.energy import (
    changed_years,
    energy_balance,
    ingest_file,
    list_files,
    remove_file,
    store_pv_estimates,
    update_balance,
)
from urbis.engines.energy import cube as cube_module
from urbis.engines.energy import store as store_module
from urbis.engines.energy.cube import _one_row_per_key_in_order, merge_cubes
from urbis.engines.energy.model import Area
from urbis.engines.energy.store import (
    committed_cubes,
    cube_path,
    cubes_root,
    ensure_cubes,
    merged_cubes,
    readings_root,
)
from urbis.engines.energy.synth import synth, synthetic_areas

from .conftest import write_csv
from .test_balance import HEADER, READINGS


def exact(data, city, areas, **options) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The balance from the cubes and from the raw readings."""
    cube = energy_balance(data, city, areas, source="cube", **options).to_polars()
    raw = energy_balance(data, city, areas, source="readings", **options).to_polars()
    return cube, raw


def assert_same(cube: pl.DataFrame, raw: pl.DataFrame) -> None:
    assert cube.height == raw.height > 0
    assert cube.equals(raw), cube.join(raw, on=cube.columns, how="anti")


def test_ingest_writes_one_cube_part_per_year(tmp_path, areas):
    data = tmp_path / "d"
    report = ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert report.ok
    cubes = committed_cubes(data, "bcn")
    # The annual gas reading starts on 2024-01-01 +01:00, in the 2023 (UTC) partition.
    assert sorted(p.parent.name for p in cubes) == ["year=2023", "year=2024"]
    rows = pl.concat([pl.read_parquet(p) for p in cubes])
    hour8 = rows.filter(
        (pl.col("area_code") == "N1")
        & (pl.col("resolution") == "hourly")
        & (pl.col("ts") == datetime(2024, 6, 1, 8))
    ).sort("sector")
    # Four 15-minute readings of 0.125 kWh are one hour of 0.5 kWh, in integer mWh.
    assert hour8.select("sector", "consumption_mwh", "production_mwh").rows() == [
        ("commercial", 500_000, 0),
        ("residential", 1_000_000, 3_000_000),
    ]


def test_balance_from_cubes_equals_balance_from_readings(tmp_path, areas):
    data = tmp_path / "d"
    assert ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    ).ok
    with_pv = [
        Area(a.code, a.level, a.parent_code, a.geometry, a.households, a.floor_area_m2, 50.0)
        if a.code == "N2"
        else a
        for a in areas
    ]
    assert store_pv_estimates(data, "bcn", with_pv, 2024)
    for tz in ("UTC", "Europe/Madrid"):
        cube, raw = exact(data, "bcn", with_pv, tz=tz)
        assert cube["estimated_production_kwh"].max() > 0
        assert cube["coarse_consumption_kwh"].max() > 0
        assert_same(cube, raw)


def test_two_deliveries_of_the_same_area_and_hour_are_matched_together(tmp_path, areas):
    """One delivery holds N1's consumption at 08:00, another its production: the hour's
    self-consumed energy is min(sum of consumption, sum of production) over both files,
    not the sum of each file's min (which would be 0 + 0)."""
    data = tmp_path / "d"
    consumption = ["m1;2024-06-01T08:00:00Z;2;kWh;consumption;residential;electricity;N1;hourly"]
    production = ["m2;2024-06-01T08:00:00Z;3;kWh;production;residential;electricity;N1;hourly"]
    for name, lines in (("c.csv", consumption), ("p.csv", production)):
        assert ingest_file(
            write_csv(tmp_path / name, lines, HEADER), city="bcn", areas=areas, data_dir=data
        ).ok
    assert len(committed_cubes(data, "bcn")) == 2
    cube, raw = exact(data, "bcn", areas)
    assert_same(cube, raw)
    row = energy_balance(data, "bcn", areas).row("N1", 2024)
    assert row is not None
    assert row.self_consumed_kwh == 2.0
    assert row.self_sufficiency == 1.0
    assert row.peak_export_kw == 1.0


def test_readings_below_one_milliwatt_hour_add_up_alike_in_cubes_and_readings(tmp_path, areas):
    """Every reading is rounded to integer mWh before it is summed, so two deliveries of
    0.4 mWh in the same area and hour count 0 from their cubes and from their readings
    alike (rounding each file's sum instead would give 0 + 0 against 1)."""
    data = tmp_path / "d"
    for name, meter in (("a.csv", "m1"), ("b.csv", "m2")):
        line = (
            f"{meter};2024-06-01T08:00:00Z;0,0000004;kWh;consumption;residential;"
            "electricity;N1;hourly"
        )
        assert ingest_file(
            write_csv(tmp_path / name, [line], HEADER), city="bcn", areas=areas, data_dir=data
        ).ok
    cube, raw = exact(data, "bcn", areas)
    assert_same(cube, raw)
    assert energy_balance(data, "bcn", areas).row("N1", 2024).consumption_kwh == 0.0


def test_withdrawn_delivery_takes_its_cube_with_it(tmp_path, areas):
    data = tmp_path / "d"
    first = ["m1;2024-06-01T08:00:00Z;2;kWh;consumption;residential;electricity;N1;hourly"]
    second = ["m2;2024-06-01T08:00:00Z;3;kWh;consumption;residential;electricity;N1;hourly"]
    reports = [
        ingest_file(write_csv(tmp_path / n, lines, HEADER), city="bcn", areas=areas, data_dir=data)
        for n, lines in (("a.csv", first), ("b.csv", second))
    ]
    assert all(r.ok for r in reports)
    assert energy_balance(data, "bcn", areas).row("N1", 2024).consumption_kwh == 5.0
    assert remove_file(data, "bcn", reports[1].file_hash)
    assert not cube_path(data, "bcn", 2024, reports[1].file_hash).exists()
    assert energy_balance(data, "bcn", areas).row("N1", 2024).consumption_kwh == 2.0


def test_files_stored_before_cubes_get_theirs_on_first_read(tmp_path, areas):
    data = tmp_path / "d"
    assert ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    ).ok
    before = energy_balance(data, "bcn", areas).to_polars()
    for path in readings_root(data).rglob("*.cube.parquet"):
        path.unlink()  # a store written before cubes existed
    assert energy_balance(data, "bcn", areas).to_polars().equals(before)
    assert len(list(readings_root(data).rglob("*.cube.parquet"))) == 2
    # Rebuilding on request writes every part again, with the same content.
    assert ensure_cubes(data, "bcn") == 0
    assert ensure_cubes(data, "bcn", force=True) == 2
    assert energy_balance(data, "bcn", areas).to_polars().equals(before)


def test_a_failed_commit_leaves_neither_readings_nor_cube(tmp_path, areas, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "_atomic_write_text", broken)
    assert_ingest_fails_leaving_nothing(tmp_path, areas)


def assert_ingest_fails_leaving_nothing(tmp_path, areas) -> None:
    """The ingest of a clean file raises "disk full" and leaves no part, cube, merged cube
    or record."""
    data = tmp_path / "d"
    with pytest.raises(OSError, match="disk full"):
        ingest_file(
            write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
        )
    assert list_files(data, "bcn") == []
    assert not [p for p in readings_root(data).rglob("*") if p.is_file() and "lock" not in p.name]
    assert not [p for p in cubes_root(data).rglob("*") if p.is_file()]  # nor a merged cube


@pytest.mark.parametrize("failing", ["file cube", "merged cube"])
def test_a_failed_cube_write_leaves_nothing(tmp_path, areas, monkeypatch, failing):
    """The file cube is written on a second thread beside the merged cube: whichever of
    the two fails, the commit fails whole and leaves no part, cube or record."""
    real = store_module.write_cube

    def broken(table, path):
        merged = path.name.startswith(".tmp-") and "merged" in path.name
        if merged == (failing == "merged cube"):
            raise OSError("disk full")
        real(table, path)

    monkeypatch.setattr(store_module, "write_cube", broken)
    assert_ingest_fails_leaving_nothing(tmp_path, areas)


def test_demo_like_city_cubes_equal_readings(tmp_path):
    areas = synthetic_areas("syn", districts=2, neighbourhoods_per_district=3)
    for path in synth(
        40, 2023, out_dir=tmp_path / "in", city="syn", areas=areas, meters_per_file=15
    ):
        assert ingest_file(path, city="syn", areas=areas, data_dir=tmp_path / "d").ok
    assert len(list_files(tmp_path / "d", "syn")) == 3
    for tz in ("UTC", "Europe/Madrid"):
        cube, raw = exact(tmp_path / "d", "syn", areas, tz=tz)
        assert cube["self_consumed_kwh"].max() > 0
        assert_same(cube, raw)


def _merged_files(data):
    return sorted(p.name for p in cubes_root(data).rglob("merged-*.parquet"))


def test_merged_cube_sums_every_file_of_a_year_in_one_part(tmp_path, areas):
    """Three deliveries of the same area and hours: the merged cube has the rows of one
    (areas × hours), each counting three file rows; a withdrawal takes one file out."""
    data = tmp_path / "d"
    reports = []
    for number in range(3):
        lines = [
            f"m{number};2024-06-01T{hour:02d}:00:00Z;{number + 1};kWh;consumption;residential;"
            "electricity;N1;hourly"
            for hour in (8, 9)
        ]
        reports.append(
            ingest_file(
                write_csv(tmp_path / f"{number}.csv", lines, HEADER),
                city="bcn",
                areas=areas,
                data_dir=data,
            )
        )
    assert all(r.ok for r in reports)
    (path,) = merged_cubes(data, "bcn")
    merged = pl.read_parquet(path)
    assert merged.select("ts", "consumption_mwh", "parts").rows() == [
        (datetime(2024, 6, 1, 8), 6_000_000, 3),
        (datetime(2024, 6, 1, 9), 6_000_000, 3),
    ]
    assert remove_file(data, "bcn", reports[1].file_hash)
    (path,) = merged_cubes(data, "bcn")
    assert pl.read_parquet(path)["consumption_mwh"].to_list() == [4_000_000, 4_000_000]
    assert_same(*exact(data, "bcn", areas))


def test_an_hour_of_zero_readings_stays_when_another_file_is_withdrawn(tmp_path, areas):
    """A file's reading of 0 kWh still makes its hour an hour with readings (it counts in
    ``hours`` and the peaks): subtracting the other file's cube must keep that row, which
    a merged cube without its count of parts could not tell from an empty one."""
    data = tmp_path / "d"
    zero = ["z;2024-06-01T08:00:00Z;0;kWh;consumption;residential;electricity;N1;hourly"]
    some = [
        "s;2024-06-01T08:00:00Z;2;kWh;consumption;residential;electricity;N1;hourly",
        "s;2024-06-01T09:00:00Z;2;kWh;consumption;residential;electricity;N1;hourly",
    ]
    assert ingest_file(
        write_csv(tmp_path / "z.csv", zero, HEADER), city="bcn", areas=areas, data_dir=data
    ).ok
    other = ingest_file(
        write_csv(tmp_path / "s.csv", some, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert other.ok
    assert energy_balance(data, "bcn", areas).row("N1", 2024).hours == 2
    assert remove_file(data, "bcn", other.file_hash)
    cube, raw = exact(data, "bcn", areas)
    assert_same(cube, raw)
    assert cube.filter(
        (pl.col("area_code") == "N1") & (pl.col("month") == 0) & (pl.col("sector") == "all")
    )["hours"].to_list() == [1]


def test_a_failure_while_merging_leaves_the_previous_state_whole(tmp_path, areas, monkeypatch):
    """A delivery whose merged cube cannot be written is not stored, and the merged cube of
    the files stored before it is still the one read; likewise a withdrawal."""
    data = tmp_path / "d"
    first = ["a;2024-06-01T08:00:00Z;2;kWh;consumption;residential;electricity;N1;hourly"]
    second = ["b;2024-06-01T08:00:00Z;3;kWh;consumption;residential;electricity;N1;hourly"]
    stored = ingest_file(
        write_csv(tmp_path / "a.csv", first, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert stored.ok
    before = energy_balance(data, "bcn", areas).to_polars()
    merged_before = _merged_files(data)
    real = store_module.merge_cubes

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "merge_cubes", broken)
    with pytest.raises(OSError, match="disk full"):
        ingest_file(
            write_csv(tmp_path / "b.csv", second, HEADER), city="bcn", areas=areas, data_dir=data
        )
    assert [f.file_hash for f in list_files(data, "bcn")] == [stored.file_hash]
    assert _merged_files(data) == merged_before
    assert not list(data.rglob(".tmp-*"))
    assert energy_balance(data, "bcn", areas).to_polars().equals(before)
    # A withdrawal that cannot write the merged cube leaves the file stored.
    monkeypatch.setattr(store_module, "merge_cubes", real)
    later = ingest_file(
        write_csv(tmp_path / "b.csv", second, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert later.ok
    both = energy_balance(data, "bcn", areas).to_polars()
    monkeypatch.setattr(store_module, "merge_cubes", broken)
    with pytest.raises(OSError, match="disk full"):
        remove_file(data, "bcn", later.file_hash)
    assert len(list_files(data, "bcn")) == 2
    assert energy_balance(data, "bcn", areas).to_polars().equals(both)
    monkeypatch.setattr(store_module, "merge_cubes", real)
    assert remove_file(data, "bcn", later.file_hash)
    assert energy_balance(data, "bcn", areas).to_polars().equals(before)


def test_a_missing_or_stale_merged_cube_is_never_read(tmp_path, areas):
    """Merged cubes are named by the files they sum: deleting them, or leaving one of
    another set of files beside them, changes nothing that is read."""
    data = tmp_path / "d"
    assert ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    ).ok
    before = energy_balance(data, "bcn", areas).to_polars()
    for path in cubes_root(data).rglob("merged-*.parquet"):
        stale = path.with_name("merged-000000000000000000000000.parquet")
        path.rename(stale)  # a merged cube of some other set of files
    assert energy_balance(data, "bcn", areas).to_polars().equals(before)
    assert len(_merged_files(data)) == 4  # rebuilt beside the stale ones


_AREAS = ("N1", "N2")
_START = datetime(2024, 12, 31, 20, tzinfo=UTC)  # crosses a year and a local midnight


@st.composite
def deliveries(draw):
    """A few deliveries, each of distinct meters, that may share areas and hours."""
    files = []
    for f in range(draw(st.integers(1, 3))):
        lines = []
        for m in range(draw(st.integers(1, 3))):
            flow = draw(st.sampled_from(("consumption", "production")))
            area = draw(st.sampled_from(_AREAS))
            sector = draw(st.sampled_from(("residential", "commercial")))
            resolution = draw(st.sampled_from(("hourly", "15min", "daily")))
            step = {"hourly": 60, "15min": 15, "daily": 1440}[resolution]
            offset = draw(st.integers(0, 6)) * 15 if resolution != "daily" else 0
            start = _START + timedelta(minutes=offset // step * step)
            for i in range(draw(st.integers(1, 8))):
                ts = (start + timedelta(minutes=step * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
                kwh = draw(
                    st.decimals(0, 50, places=draw(st.integers(0, 7)), allow_nan=False)
                    | st.sampled_from(("0.0000004", "0.0000005", "0.0000006", "1.0000005"))
                )
                lines.append(
                    f"f{f}m{m};{ts};{kwh};kWh;{flow};{sector};electricity;{area};{resolution}"
                )
        files.append(lines)
    return files


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=deliveries(), withdrawn=st.integers(0, 2))
def test_random_deliveries_cubes_equal_readings(tmp_path_factory, areas, files, withdrawn):
    """After every delivery and after a withdrawal: the balance from the merged cubes equals
    the balance from the raw readings, and the balance updated from the previous one (only
    the changed years recomputed) equals both."""
    work = tmp_path_factory.mktemp("random")
    data = work / "d"
    previous = {tz: energy_balance(data, "bcn", areas, tz=tz) for tz in ("UTC", "Europe/Madrid")}
    hashes = []

    def check(before):
        after = list_files(data, "bcn")
        for tz in ("UTC", "Europe/Madrid"):
            cube, raw = exact(data, "bcn", areas, tz=tz)
            if raw.height == 0:
                assert cube.height == 0
            else:
                assert_same(cube, raw)
            updated = update_balance(
                previous[tz], data, "bcn", areas, changed_years(before, after, tz), tz=tz
            )
            assert updated.to_polars().equals(raw)
            previous[tz] = updated
        # One merged cube per year partition, whatever the number of files.
        assert len(merged_cubes(data, "bcn")) == len(
            {p.parent.name for p in committed_cubes(data, "bcn")}
        )

    for number, lines in enumerate(files):
        before = list_files(data, "bcn")
        report = ingest_file(
            write_csv(work / f"f{number}.csv", lines, HEADER),
            city="bcn",
            areas=areas,
            data_dir=data,
        )
        assert report.ok, report.errors
        hashes.append(report.file_hash)
        check(before)
    before = list_files(data, "bcn")
    assert remove_file(data, "bcn", hashes[withdrawn % len(hashes)])
    check(before)


@pytest.fixture(scope="module")
def spark_runner():
    import importlib.util
    import shutil

    from urbis.engines.energy import SparkRunner

    from .test_spark import _missing

    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        _missing("Spark needs pyspark and a Java runtime")
    runner = SparkRunner(master="local[2]")
    yield runner
    runner.stop()


@pytest.mark.spark
def test_cubes_equal_readings_on_spark(tmp_path, spark_runner):
    areas = synthetic_areas("syn", districts=2, neighbourhoods_per_district=2)
    data = tmp_path / "d"
    for path in synth(
        20, 2023, out_dir=tmp_path / "in", city="syn", areas=areas, meters_per_file=10
    ):
        assert ingest_file(path, city="syn", areas=areas, data_dir=data).ok
    spark_cube, spark_raw = exact(data, "syn", areas, engine=spark_runner, tz="Europe/Madrid")
    duck_cube, _ = exact(data, "syn", areas, tz="Europe/Madrid")
    assert_same(spark_cube, spark_raw)
    assert_same(spark_cube, duck_cube)


@pytest.mark.spark
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=deliveries(), withdrawn=st.integers(0, 2))
def test_random_deliveries_cubes_equal_readings_on_spark(
    tmp_path_factory, areas, spark_runner, files, withdrawn
):
    work = tmp_path_factory.mktemp("random-spark")
    reports = [
        ingest_file(
            write_csv(work / f"f{number}.csv", lines, HEADER),
            city="bcn",
            areas=areas,
            data_dir=work / "d",
        )
        for number, lines in enumerate(files)
    ]
    assert all(r.ok for r in reports)
    cube, raw = exact(work / "d", "bcn", areas, engine=spark_runner, tz="Europe/Madrid")
    assert_same(cube, raw)
    assert_same(cube, exact(work / "d", "bcn", areas, tz="Europe/Madrid")[0])
    # The merged cube after a withdrawal, on Spark too.
    assert remove_file(work / "d", "bcn", reports[withdrawn % len(reports)].file_hash)
    cube, raw = exact(work / "d", "bcn", areas, engine=spark_runner, tz="Europe/Madrid")
    if raw.height:
        assert_same(cube, raw)
        assert_same(cube, exact(work / "d", "bcn", areas, tz="Europe/Madrid")[0])
    else:
        assert cube.height == 0


@pytest.mark.parametrize("route", ["one pass", "full check"])
def test_one_file_cube_alone_is_merged_as_grouping_it_would(tmp_path, route, monkeypatch):
    """A file's cube alone (the first delivery of a year) skips the grouping when its keys
    are unique and in order; the result is the one grouping and sorting give, and a cube
    out of order or with a repeated key still goes through them. Both routes' cubes."""
    areas = synthetic_areas("syn", districts=2, neighbourhoods_per_district=3)
    (source,) = synth(6, 2023, out_dir=tmp_path / "in", city="syn", areas=areas)
    assert ingest_file(
        source, city="syn", areas=areas, data_dir=tmp_path / "d", one_pass=route == "one pass"
    ).ok
    (path,) = readings_root(tmp_path / "d").rglob("*.cube.parquet")
    cube = pq.read_table(path)
    assert cube.num_rows > 1000
    grouped = merge_cubes([cube, cube.slice(0, 0)])  # two inputs: always grouped
    assert grouped["parts"].to_pylist() == [1] * cube.num_rows
    assert _one_row_per_key_in_order(cube)
    with monkeypatch.context() as patched:  # the cube in order is not grouped again
        patched.setattr(cube_module, "_signed", lambda *args: pytest.fail("grouped"))
        assert merge_cubes([cube]).equals(grouped)

    backwards = cube.take(pa.array(range(cube.num_rows - 1, -1, -1)))
    assert not _one_row_per_key_in_order(backwards)
    assert merge_cubes([backwards]).equals(grouped)

    repeated = pa.concat_tables([cube.slice(0, 3), cube.slice(2)])
    assert not _one_row_per_key_in_order(repeated)
    summed = merge_cubes([repeated])
    assert summed.num_rows == cube.num_rows
    assert summed["parts"].to_pylist()[:4] == [1, 1, 2, 1]


_CUBE_ROW = st.tuples(
    st.sampled_from(["N1", "N2", "Nà", "D1", "bcn"]),  # "Nà": text ordered by its bytes
    st.sampled_from(["residential", "commercial"]),
    st.sampled_from(["electricity", "gas"]),
    st.sampled_from(["hourly", "daily", "15min"]),
    st.integers(0, 365 * 24 - 1),  # the hour of the year
    st.integers(0, 10**12),
    st.integers(0, 10**9),
)


def _cube(rows: list[tuple], *, ordered: bool) -> pa.Table:
    start = datetime(2024, 1, 1)
    table = pl.DataFrame(
        [
            {
                "area_code": a, "sector": s, "carrier": c, "resolution": r,
                "ts": start + timedelta(hours=h), "consumption_mwh": cons, "production_mwh": prod,
            }
            for a, s, c, r, h, cons, prod in rows
        ],
        schema={
            "area_code": pl.String, "sector": pl.String, "carrier": pl.String,
            "resolution": pl.String, "ts": pl.Datetime("us"), "consumption_mwh": pl.Int64,
            "production_mwh": pl.Int64,
        },
    )
    if ordered:
        table = table.sort("area_code", "sector", "carrier", "resolution", "ts")
    return table.to_arrow().cast(cube_module.CUBE_SCHEMA)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(st.lists(_CUBE_ROW, max_size=40), min_size=1, max_size=4),
    withdrawn=st.integers(0, 3),
    ordered=st.booleans(),
)
def test_merge_by_number_equals_merge_by_grouping(files, withdrawn, ordered):
    """Each row's key as one number gives the merged cube the group-by gives: files added
    (in order or not, repeated keys too), then one of them subtracted from their sum."""
    cubes = [_cube(rows, ordered=ordered) for rows in files]
    by_number = cube_module._merge_by_number(cubes, [])
    assert by_number is not None
    assert by_number.equals(cube_module._merge_by_grouping(cubes, []))
    gone = cubes[withdrawn % len(cubes)]
    after = cube_module._merge_by_number([by_number], [gone])
    assert after is not None
    assert after.equals(cube_module._merge_by_grouping([by_number], [gone]))
    foreign = _cube([("N9", "public", "oil", "annual", 0, 1, 0)], ordered=True)
    with pytest.raises(ValueError, match="does not hold it"):
        cube_module._merge_by_number([by_number], [foreign])


def test_merge_by_number_leaves_what_it_cannot_key_to_the_group_by():
    """Times more than 2^45 microseconds apart (over a year), or a missing key: the numbers
    cannot hold them, and merge_cubes groups them instead, with the same result as before."""
    early = _cube([("N1", "residential", "electricity", "hourly", 0, 5, 0)], ordered=True)
    late = pl.from_arrow(early).with_columns(ts=pl.col("ts") + timedelta(days=500)).to_arrow()
    late = late.cast(cube_module.CUBE_SCHEMA)
    assert cube_module._merge_by_number([early, late], []) is None
    assert merge_cubes([early, late]).num_rows == 2
    missing = early.set_column(0, "area_code", pa.array([None], pa.string()))
    assert cube_module._merge_by_number([early, missing], []) is None
    assert merge_cubes([early, missing]).num_rows == 2
