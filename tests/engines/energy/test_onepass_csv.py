"""A plain CSV delivery stored in one DuckDB pass must store exactly what the full row check
stores, and every CSV file the full check refuses must be refused with the same errors (the
same CSV line numbers), nothing stored."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urbis.engines.energy import (
    ingest_file,
    list_files,
    onepass,
)
from urbis.engines.energy.store import readings_root

from .test_onepass import deliver_both_ways, stored

_START = datetime(2024, 12, 31, 22, tzinfo=UTC)  # crosses a UTC year
HEADER = "meter_id,timestamp,value,unit,flow,sector,carrier,resolution,area_code"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def line(meter: str, area: str, at: datetime, value: str, **extra: str) -> str:
    cells = {
        "meter_id": meter,
        "timestamp": iso(at),
        "value": value,
        "unit": "kWh",
        "flow": "consumption",
        "sector": "residential",
        "carrier": "electricity",
        "resolution": "hourly",
        "area_code": area,
        **extra,
    }
    return ",".join(cells[name] for name in HEADER.split(","))


def hours(meter: str, area: str, n: int = 4, **extra: str) -> list[str]:
    return [line(meter, area, _START + timedelta(hours=i), f"{1.5 + i}", **extra) for i in range(n)]


def write(path, lines: list[str], header: str = HEADER, end: str = "\n", head: str = ""):
    path.write_bytes((head + end.join([header, *lines]) + end).encode())
    return path


@pytest.fixture
def route(monkeypatch):
    """What each one-pass attempt gave: a result (stored in one pass) or None (full check)."""
    taken: list[object] = []
    real = onepass.try_ingest

    def spy(*args, **kwargs):
        taken.append(result := real(*args, **kwargs))
        return result

    monkeypatch.setattr(onepass, "try_ingest", spy)
    return taken


def both_ways(tmp_path, path, areas, **options):
    out = {}
    for one_pass in (True, False):
        data = tmp_path / f"d-{one_pass}"
        report = ingest_file(
            path, city="bcn", areas=areas, data_dir=data, one_pass=one_pass, **options
        )
        out[one_pass] = (report, data)
    return out


def assert_same_store(out, rows: int) -> None:
    fast, full = out[True], out[False]
    assert fast[0].ok and full[0].ok, (fast[0].errors, full[0].errors)
    assert (fast[0].rows, fast[0].meters, fast[0].years) == (
        full[0].rows, full[0].meters, full[0].years
    )
    a, b = stored(fast[1]), stored(full[1])
    assert a[0].height == rows
    assert a[0].equals(b[0])  # the same readings, bit for bit
    assert a[1].equals(b[1])  # the same cube
    assert a[2] == b[2]  # the same catalogue figures


def test_a_plain_csv_goes_through_one_pass(tmp_path, areas, route):
    """The fast route is taken (else this file would test the full check twice)."""
    path = write(tmp_path / "f.csv", hours("m1", "N1") + hours("m2", "N2"))
    assert ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d").ok
    assert route and route[0] is not None


def _quarter_hours() -> list[str]:
    return [
        line("q1", "N1", _START + timedelta(minutes=15 * i), f"{100 + i}", unit="Wh",
             resolution="15min")
        for i in range(8)
    ]


def _points() -> list[str]:
    return [
        f"{meter},{iso(_START + timedelta(hours=i))},{0.25 * i},kWh,consumption,residential,"
        f"electricity,hourly,{lon},41.385"
        for meter, lon in (("m1", "2.155"), ("m2", "2.165"))
        for i in range(4)
    ]


def _decimal_comma(line: str) -> str:
    """The line with semicolons between cells and a comma in every number with a point."""
    return ";".join(cell.replace(".", ",") for cell in line.split(","))


CLEAN = {
    "hourly": {"lines": hours("m1", "N1") + hours("m2", "N2", flow="production")},
    "units-and-resolutions": {
        "lines": _quarter_hours()
        + [line("d1", "N2", _START + timedelta(days=i), f"{10.0 * i}", resolution="daily",
                sector="commercial") for i in range(3)]
        + [line("y1", "D1", _START, "1234.5", resolution="annual", carrier="gas")]
    },
    "coordinates": {
        "lines": _points(),
        "header": "meter_id,timestamp,value,unit,flow,sector,carrier,resolution,lon,lat",
    },
    "crlf": {"lines": hours("m1", "N1") + hours("m2", "N2"), "end": "\r\n"},
    "bom": {"lines": hours("m1", "N1") + hours("m2", "N2"), "head": "\ufeff"},
    "semicolons": {
        "lines": [x.replace(",", ";") for x in hours("m1", "N1") + hours("m2", "N2")],
        "header": HEADER.replace(",", ";"),
    },
    "decimal-comma": {
        "lines": [_decimal_comma(x) for x in _points()],
        "header": "meter_id;timestamp;value;unit;flow;sector;carrier;resolution;lon;lat",
    },
    "no-final-newline": {"lines": hours("m1", "N1"), "end": "\n", "strip_end": True},
    "extra-column-and-number-forms": {
        "lines": [x + ",note" for x in hours("m1", "N1")]
        + [line("m2", "N2", _START + timedelta(hours=i), v) + ",other"
           for i, v in enumerate(("1e-3", ".5", "7.", "+2", "0003"))],
        "header": HEADER + ",comment",
    },
    "non-ascii-text": {
        "lines": [x.replace("m1,", "mèter-1,") + ",œuvre" for x in hours("m1", "N1")],
        "header": HEADER + ",comment",
    },
    "other-timestamp-forms": {
        "lines": [
            line("m1", "N1", _START, "1").replace(iso(_START), "2024-12-31 22:00:00+00:00"),
            line("m1", "N1", _START, "1").replace(iso(_START), "2025-01-01T00:00:00.000000+0100"),
            line("m2", "N1", _START, "1").replace(iso(_START), "2025-01-01 00:00+01:00"),
        ]
    },
}


@pytest.mark.parametrize("gzipped", [False, True], ids=["csv", "csv.gz"])
@pytest.mark.parametrize("case", list(CLEAN), ids=list(CLEAN))
def test_one_pass_stores_what_the_full_check_stores(tmp_path, areas, route, case, gzipped):
    spec = dict(CLEAN[case])
    strip_end = spec.pop("strip_end", False)
    path = write(tmp_path / "f.csv", **spec)
    if strip_end:
        path.write_bytes(path.read_bytes().rstrip(b"\n"))
    if gzipped:
        path = _gzipped(path)
    out = both_ways(tmp_path, path, areas)
    assert route[0] is not None  # stored in one pass, not by the full check
    assert_same_store(out, len(spec["lines"]))


def test_local_times_with_a_time_zone_are_stored_alike(tmp_path, areas, route):
    lines = [
        line("m1", "N1", _START + timedelta(hours=i), "2").replace(
            iso(_START + timedelta(hours=i)),
            (_START + timedelta(hours=i + 1)).strftime("%Y-%m-%d %H:%M:%S"),
        )
        for i in range(4)
    ]
    path = write(tmp_path / "f.csv", lines)
    out = both_ways(tmp_path, path, areas, tz="Europe/Madrid")
    assert route[0] is not None
    assert_same_store(out, 4)


def test_resolution_given_as_argument(tmp_path, areas, route):
    header = HEADER.removesuffix(",resolution,area_code") + ",area_code"
    lines = [x.replace(",hourly,", ",") for x in hours("m1", "N1") + hours("m2", "N2")]
    path = write(tmp_path / "f.csv", lines, header=header)
    out = both_ways(tmp_path, path, areas, resolution="hourly")
    assert route[0] is not None
    assert_same_store(out, 8)


def _at(row: int, old: str, new: str):
    """Change one line; the change must apply (else the test would test a clean file)."""
    def change(lines: list[str]) -> None:
        assert old in lines[row]
        lines[row] = lines[row].replace(old, new, 1)

    return change


def _insert(row: int, text: str):
    def change(lines: list[str]) -> None:
        lines.insert(row, text)

    return change


TIDIED = {
    # DuckDB forgives quotes polars refuses: quoted files go to the full check
    "quoted-cells": lambda lines: lines.__setitem__(1, '"m1",' + lines[1].split(",", 1)[1]),
    "padded-number": _at(1, ",2.5,", ", 2.5 ,"),
    "untrimmed-meter": _at(1, "m1,", " m1,"),
    "upper-case-codes": _at(1, ",Consumption,".lower(), ",Consumption,"),
    "meter-with-two-keys": _at(6, ",residential,", ",commercial,"),
}


@pytest.mark.parametrize("change", list(TIDIED.values()), ids=list(TIDIED))
def test_cells_the_full_check_tidies_are_stored_alike(tmp_path, areas, route, change):
    """Quoted, padded or upper-case cells, or one meter under two sectors: the screen leaves
    them to the full check, which stores them; nothing differs."""
    lines = hours("m1", "N1") + hours("m2", "N2")
    change(lines)
    path = write(tmp_path / "f.csv", lines)
    out = both_ways(tmp_path, path, areas)
    assert route[0] is None
    assert_same_store(out, 8)


BAD = {
    "bad-number": _at(1, ",2.5,", ",2,5x,"),
    "underscore-number": _at(1, ",2.5,", ",2_500,"),
    "plus-minus-number": _at(1, ",2.5,", ",+-2.5,"),
    "empty-number": _at(1, ",2.5,", ",,"),
    "nan": _at(1, ",2.5,", ",nan,"),
    "infinite": _at(1, ",2.5,", ",inf,"),
    "negative": _at(1, ",2.5,", ",-2.5,"),
    "absurd": _at(1, ",2.5,", ",1e9,"),
    "bad-timestamp": _at(1, "2024-12-31T23:00:00Z", "2024-12-31T25:00:00Z"),
    "no-utc-offset": _at(1, "2024-12-31T23:00:00Z", "2024-12-31T23:00:00"),
    "empty-timestamp": _at(1, "2024-12-31T23:00:00Z", ""),
    "misaligned": _at(1, "2024-12-31T23:00:00Z", "2024-12-31T23:30:00Z"),
    "no-meter": _at(1, "m1,", ","),
    "unknown-area": _at(1, ",N1", ",N9"),
    "no-area": _at(1, ",N1", ","),
    "unknown-unit": _at(1, ",kWh,", ",kW,"),
    "unknown-flow": _at(1, ",consumption,", ",export,"),
    "unknown-resolution": _at(1, ",hourly,", ",weekly,"),
    "duplicate": _at(1, "2024-12-31T23:00:00Z", "2024-12-31T22:00:00Z"),
    "meter-with-two-keys": lambda lines: lines.__setitem__(
        6, lines[5].replace(",residential,", ",commercial,")
    ),
    "stray-quote": _at(1, "m1,", 'm"1,'),
    "quote-then-space": _at(1, "m1,", '"m1" ,'),
    "unclosed-quote": _at(1, "m1,", '"m1,'),
    "blank-line": _insert(3, ""),
    "too-many-cells": _at(1, ",N1", ",N1,extra"),
    "truncated-last-line": lambda lines: lines.append("m2,2025-01-01T03:00:00Z,1"),
    "wrong-delimiter-row": _at(1, ",", ";", ),
    # Arrow's reader ends a line at a lone carriage return, polars does not: two lines of
    # whole rows to one reader are one line of too many cells to the other
    "lone-carriage-return": lambda lines: lines.__setitem__(1, lines[1] + "\r" + lines.pop(2)),
}


def _comma_lines() -> list[str]:
    return [_decimal_comma(x) for x in hours("m1", "N1") + hours("m2", "N2")]


COMMA_BAD = {
    "two-commas": _at(1, "2,5;", "2,5,0;"),
    "point-and-comma": _at(1, "2,5;", "2.5,1;"),
    "comma-alone": _at(1, "2,5;", ",;"),
    "bad-number": _at(1, "2,5;", "2,5x;"),
}


@pytest.mark.parametrize("change", list(COMMA_BAD.values()), ids=list(COMMA_BAD))
def test_a_decimal_comma_csv_the_full_check_refuses_is_refused_alike(tmp_path, areas, change):
    lines = _comma_lines()
    change(lines)
    path = write(tmp_path / "bad.csv", lines, header=HEADER.replace(",", ";"))
    out = both_ways(tmp_path, path, areas)
    fast, full = out[True][0], out[False][0]
    assert not full.ok
    assert fast.errors == full.errors
    assert not list(out[True][1].rglob("*.parquet"))


def _gzipped(path):
    """The file gzipped under a name that does not say so (the bytes tell)."""
    packed = path.with_name("packed-" + path.name)
    packed.write_bytes(gzip.compress(path.read_bytes()))
    return packed


@pytest.mark.parametrize("gzipped", [False, True], ids=["csv", "csv.gz"])
@pytest.mark.parametrize("change", list(BAD.values()), ids=list(BAD))
def test_a_csv_the_full_check_refuses_is_refused_alike(tmp_path, areas, change, gzipped):
    lines = hours("m1", "N1") + hours("m2", "N2")
    change(lines)
    path = write(tmp_path / "bad.csv", lines)
    if gzipped:
        path = _gzipped(path)
    out = both_ways(tmp_path, path, areas)
    fast, full = out[True][0], out[False][0]
    assert not full.ok
    assert not fast.ok
    assert fast.errors == full.errors
    for _, data in out.values():
        root = readings_root(data)
        assert not root.exists() or not list(root.rglob("*.parquet"))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        HEADER.encode() + b"\n",
        b"meter,timestamp,value,unit,flow,sector,carrier,resolution,area_code\nm1,x,1,kWh\n",
        # a whole file in the wrong delimiter for its header
        (HEADER + "\n" + "\n".join(x.replace(",", ";") for x in hours("m1", "N1"))).encode(),
        b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n" + "\r\n".join(
            [*hours("m1", "N1", n=2), line("m1", "N1", _START, "x")]
        ).encode() + b"\r\n",
        HEADER.encode() + b"\n" + "\n".join(hours("m1", "N1")).encode() + b"\n\xff\n",
    ],
    ids=["empty", "header-only", "wrong-header", "wrong-delimiter", "bom-crlf-bad-row",
         "not-utf8"],
)
def test_a_csv_refused_as_a_whole_is_refused_alike(tmp_path, areas, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    out = both_ways(tmp_path, path, areas)
    assert not out[False][0].ok
    assert out[True][0].errors == out[False][0].errors
    assert not list(out[True][1].rglob("*.parquet"))


def test_errors_name_the_csv_line(tmp_path, areas):
    """Line numbers as a spreadsheet shows them: the header is line 1."""
    lines = hours("m1", "N1") + hours("m2", "N2")
    lines[4] = lines[4].replace(",1.5,", ",x,")
    path = write(tmp_path / "bad.csv", lines)
    report = ingest_file(path, city="bcn", areas=areas, data_dir=tmp_path / "d")
    assert [(e.row, e.field) for e in report.errors] == [(6, "value")]


def test_a_reading_already_stored_is_refused_with_its_line(tmp_path, areas, route):
    first = write(tmp_path / "first.csv", hours("m1", "N1"))
    second = write(tmp_path / "second.csv", hours("m1", "N1", n=6)[3:])  # one hour again
    reports = {}
    for one_pass in (True, False):
        data = tmp_path / f"d-{one_pass}"
        assert ingest_file(first, city="bcn", areas=areas, data_dir=data, one_pass=one_pass).ok
        reports[one_pass] = ingest_file(
            second, city="bcn", areas=areas, data_dir=data, one_pass=one_pass
        )
        assert len(list_files(data, "bcn")) == 1
    assert route[0] is not None  # the first file went through one pass
    assert route[1] is None  # the second was left to the full check
    assert not reports[True].ok
    assert reports[True].errors == reports[False].errors
    assert (reports[True].errors[0].row, reports[True].errors[0].field) == (2, "timestamp")


def test_a_meters_other_times_already_stored_do_not_refuse(tmp_path, areas):
    """The next day of the same meters: stored (by the full check if the screen is unsure),
    and the same as the full check stores."""
    first = write(tmp_path / "first.csv", hours("m1", "N1"))
    later = [line("m1", "N1", _START + timedelta(hours=10 + i), "3") for i in range(3)]
    second = write(tmp_path / "second.csv", later)
    for one_pass in (True, False):
        data = tmp_path / f"d-{one_pass}"
        for path in (first, second):
            assert ingest_file(path, city="bcn", areas=areas, data_dir=data,
                               one_pass=one_pass).ok
    a, b = stored(tmp_path / "d-True"), stored(tmp_path / "d-False")
    assert a[0].height == 7 and a[0].equals(b[0]) and a[1].equals(b[1]) and a[2] == b[2]


@st.composite
def csv_deliveries(draw):
    """A few plain CSV deliveries, each of distinct meters, sharing areas and hours."""
    files = []
    for f in range(draw(st.integers(1, 3))):
        lines = []
        for m in range(draw(st.integers(1, 3))):
            resolution = draw(st.sampled_from(("hourly", "15min", "daily")))
            step = {"hourly": 60, "15min": 15, "daily": 1440}[resolution]
            common = {
                "flow": draw(st.sampled_from(("consumption", "production"))),
                "sector": draw(st.sampled_from(("residential", "commercial"))),
                "resolution": resolution,
                "unit": draw(st.sampled_from(("kWh", "Wh"))),
            }
            area = draw(st.sampled_from(("N1", "N2")))
            for i in range(draw(st.integers(1, 8))):
                value = draw(
                    st.floats(0, 50, allow_nan=False, allow_infinity=False).map(repr)
                    | st.sampled_from(("4e-7", "5e-7", "6e-7", "1.0000005", "0.1", "3"))
                )
                lines.append(
                    line(f"f{f}m{m}", area, _START + timedelta(minutes=step * i), value, **common)
                )
        files.append(draw(st.permutations(lines)))
    return files


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=csv_deliveries(), withdrawn=st.integers(0, 2))
def test_random_csv_deliveries_one_pass_equals_full_check(
    tmp_path_factory, areas, files, withdrawn
):
    """After every CSV delivery: the one-pass store equals the full check's store row for
    row, and the balance updated, from the merged cubes and from raw readings agree."""
    work = tmp_path_factory.mktemp("csv")
    paths = [write(work / f"f{number}.csv", lines) for number, lines in enumerate(files)]
    deliver_both_ways(work, areas, paths, withdrawn)
