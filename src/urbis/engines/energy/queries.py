"""Query definitions, written once in the SQL subset that DuckDB and Spark SQL both accept.

Inputs are registered tables:

* ``readings`` — the store (see :mod:`.store`), with hive partition columns ``city``, ``year``;
* ``hourly_readings`` / ``coarse_readings`` — the same, only 15-minute and hourly / only
  daily and annual readings (stored in separate files, so no row needs a resolution test);
* ``estimated_readings`` — the hour-by-hour readings of the files of modelled readings (PV
  estimates; empty if there are none);
* ``cube`` / ``estimated_cube`` — the hourly cubes of every committed file / of the files of
  modelled readings (see :mod:`.cube`);
* ``area_units`` — ``(area_code, unit_code, unit_level, unit_is_leaf)`` from
  :meth:`AreaIndex.units_table`.

The balance reads the cubes (``source="cube"``, the default): the cubes of all files are
summed per (leaf area, sector, carrier, hour) first, and only then does each hour's
``least(consumption, production)`` count as matched, so two deliveries covering the same
area and hour are matched together. ``source="readings"`` computes the same cube rows from
the raw readings in the same query (the source of truth; used to check the cubes). Every
reading is rounded to integer milliwatt-hours before it is summed
(:data:`.cube.READING_MWH`), and everything after that is integer arithmetic, so both
sources and both engines give identical figures. The Python side turns them back into kWh.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .cube import READING_MWH, cube_select
from .model import ESTIMATE_SOURCE_PREFIX, EnergyEngineError
from .store import check_city

MILLI_WH_PER_KWH = 1_000_000

_ENERGY = READING_MWH  # kWh -> integer mWh

#: Where the balance takes its hourly sums from.
SOURCES = ("cube", "readings")


# The SQL is built with f-strings: every interpolated value is a city code checked against
# a safe alphabet, an int year or a module constant, never free text.


def _filters(city: str, years: Sequence[int] | None) -> str:
    where = [f"city = '{check_city(city)}'"]
    if years:
        where.append(f"year IN ({', '.join(str(int(y)) for y in years)})")
    return " AND ".join(where)


_TIME_ZONE = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def check_time_zone(tz: str) -> str:
    """An IANA time zone name the engines can use (it is interpolated into SQL)."""
    if not _TIME_ZONE.match(tz):
        raise EnergyEngineError(f"time zone {tz!r} is not an IANA name")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise EnergyEngineError(f"unknown time zone {tz!r}") from exc
    return tz


def _local(expr: str, tz: str, dialect: str) -> str:
    """A UTC timestamp expression as wall-clock time in ``tz`` (both engines agree)."""
    if tz == "UTC":
        return expr
    if dialect == "duckdb":
        return f"timezone('{tz}', CAST({expr} AS TIMESTAMPTZ))"
    return f"from_utc_timestamp({expr}, '{tz}')"


def partition_years(years: Sequence[int] | None, tz: str) -> list[int] | None:
    """The (UTC) year partitions that hold the readings of some local years: a local year
    reaches at most a few hours into its neighbours."""
    if not years:
        return None
    if tz == "UTC":
        return sorted({int(y) for y in years})
    return sorted({int(y) + d for y in years for d in (-1, 0, 1)})


def _unit_rollup(leaf: str, *sums: str) -> str:
    """Sums of a small per-(leaf area, sector, carrier, year, month) table for every unit
    above or at each leaf, per sector and over all sectors (``'all'``), per month and over
    the year (month 0)."""
    summed = ", ".join(f"sum(x.{name}) AS {name}" for name in sums)
    return f"""SELECT u.unit_level AS level, u.unit_code AS area_code,
           coalesce(x.sector, 'all') AS sector, x.carrier AS carrier, x.year AS year,
           coalesce(x.month, 0) AS month, {summed}
    FROM {leaf} x JOIN area_units u ON x.area_code = u.area_code
    GROUP BY GROUPING SETS (
        (u.unit_level, u.unit_code, x.sector, x.carrier, x.year, x.month),
        (u.unit_level, u.unit_code, x.carrier, x.year, x.month),
        (u.unit_level, u.unit_code, x.sector, x.carrier, x.year),
        (u.unit_level, u.unit_code, x.carrier, x.year))"""  # noqa: S608


def balance_sql(
    city: str,
    years: Sequence[int] | None = None,
    *,
    dialect: str = "duckdb",
    tz: str = "UTC",
    source: str = "cube",
) -> str:
    """Energy balance cube: one row per (level, area, sector or 'all', carrier, year, month).

    ``month`` 0 is the whole year. Years and months are the city's: a reading belongs to the
    month in which its interval starts by the wall clock of ``tz`` (an IANA name). Hour-by-hour
    figures come from 15-minute and hourly readings summed into clock hours; daily and annual
    readings only add to the ``coarse_*`` totals (annual ones to the year rows only, as no
    month can be known).

    The text is the same for both engines except two spellings: for DuckDB the CTEs read
    twice are marked ``MATERIALIZED`` so the raw readings are scanned once (Spark has no
    such keyword and reuses the shared exchange itself), and the conversion to local time.
    """
    check_time_zone(tz)
    if source not in SOURCES:
        raise EnergyEngineError(f"unknown balance source {source!r}; use one of {SOURCES}")
    wanted = sorted({int(y) for y in years}) if years else None
    where = _filters(city, partition_years(wanted, tz))
    keep = f"WHERE year IN ({', '.join(map(str, wanted))})" if wanted else ""
    mat = "MATERIALIZED " if dialect == "duckdb" else ""
    local_hour = _local("hour", tz, dialect)
    local_ts = _local("ts", tz, dialect)
    # Interpolated: checked city code, int years, constants (see above).
    if source == "cube":
        cubes = f"""
all_cubes AS (SELECT * FROM cube WHERE {where}),
estimated_cubes AS (
    SELECT * FROM estimated_cube WHERE {where} AND resolution = 'hourly'
),"""  # noqa: S608
    else:
        readings = f"(SELECT * FROM readings WHERE {where}) r"  # noqa: S608
        estimated = f"(SELECT * FROM estimated_readings WHERE {where}) r"  # noqa: S608
        cubes = f"""
all_cubes AS {mat}({cube_select(readings)}),
estimated_cubes AS (
    {cube_select(estimated)}
),"""
    return f"""
WITH {cubes}
hourly_leaf AS {mat}(
    SELECT area_code, sector, carrier, ts AS hour,
           sum(consumption_mwh) AS c, sum(production_mwh) AS p
    FROM all_cubes
    WHERE resolution = 'hourly'
    GROUP BY area_code, sector, carrier, ts
),
leaf_all AS {mat}(
    SELECT area_code, sector, carrier, hour, c, p FROM hourly_leaf
    UNION ALL
    SELECT area_code, 'all' AS sector, carrier, hour, sum(c) AS c, sum(p) AS p
    FROM hourly_leaf
    GROUP BY area_code, carrier, hour
),
hourly_unit AS (
    SELECT u.unit_level AS level, l.area_code AS area_code, l.sector AS sector,
           l.carrier AS carrier, l.hour AS hour, l.c AS c, l.p AS p
    FROM leaf_all l JOIN area_units u ON l.area_code = u.area_code
    WHERE u.unit_code = l.area_code AND u.unit_is_leaf
    UNION ALL
    SELECT u.unit_level AS level, u.unit_code AS area_code, l.sector AS sector,
           l.carrier AS carrier, l.hour AS hour,
           sum(l.c) AS c, sum(l.p) AS p
    FROM leaf_all l JOIN area_units u ON l.area_code = u.area_code
    WHERE NOT (u.unit_code = l.area_code AND u.unit_is_leaf)
    GROUP BY u.unit_level, u.unit_code, l.sector, l.carrier, l.hour
),
monthly AS {mat}(
    SELECT level, area_code, sector, carrier,
           year({local_hour}) AS year, month({local_hour}) AS month,
           sum(c) AS c, sum(p) AS p, sum(least(c, p)) AS matched,
           max(c - p) AS peak_import, max(p - c) AS peak_export, count(*) AS hours
    FROM hourly_unit
    GROUP BY level, area_code, sector, carrier, year({local_hour}), month({local_hour})
),
hourly_periods AS (
    SELECT level, area_code, sector, carrier, year, month, c, p,
           CAST(0 AS BIGINT) AS p_est, matched, peak_import, peak_export,
           CAST(0 AS BIGINT) AS coarse_c, CAST(0 AS BIGINT) AS coarse_p, hours
    FROM monthly
    UNION ALL
    SELECT level, area_code, sector, carrier, year, 0 AS month,
           sum(c) AS c, sum(p) AS p, CAST(0 AS BIGINT) AS p_est, sum(matched) AS matched,
           max(peak_import) AS peak_import, max(peak_export) AS peak_export,
           CAST(0 AS BIGINT) AS coarse_c, CAST(0 AS BIGINT) AS coarse_p, sum(hours) AS hours
    FROM monthly
    GROUP BY level, area_code, sector, carrier, year
),
coarse_leaf AS (
    SELECT area_code, sector, carrier, year({local_ts}) AS year,
           CASE WHEN resolution = 'daily' THEN month({local_ts}) ELSE -1 END AS month,
           sum(consumption_mwh) AS c, sum(production_mwh) AS p
    FROM all_cubes
    WHERE resolution <> 'hourly'
    GROUP BY area_code, sector, carrier, year({local_ts}),
             CASE WHEN resolution = 'daily' THEN month({local_ts}) ELSE -1 END
),
coarse_unit AS (
    {_unit_rollup("coarse_leaf", "c", "p")}
),
coarse_periods AS (
    SELECT level, area_code, sector, carrier, year, month,
           CAST(0 AS BIGINT) AS c, CAST(0 AS BIGINT) AS p, CAST(0 AS BIGINT) AS p_est,
           CAST(0 AS BIGINT) AS matched,
           CAST(NULL AS BIGINT) AS peak_import, CAST(NULL AS BIGINT) AS peak_export,
           c AS coarse_c, p AS coarse_p, CAST(0 AS BIGINT) AS hours
    FROM coarse_unit
    WHERE month >= 0
),
estimated_leaf AS (
    SELECT area_code, sector, carrier, year({local_ts}) AS year, month({local_ts}) AS month,
           sum(production_mwh) AS p_est
    FROM estimated_cubes
    GROUP BY area_code, sector, carrier, year({local_ts}), month({local_ts})
),
estimated_unit AS (
    {_unit_rollup("estimated_leaf", "p_est")}
),
estimated_periods AS (
    SELECT level, area_code, sector, carrier, year, month,
           CAST(0 AS BIGINT) AS c, CAST(0 AS BIGINT) AS p, p_est,
           CAST(0 AS BIGINT) AS matched,
           CAST(NULL AS BIGINT) AS peak_import, CAST(NULL AS BIGINT) AS peak_export,
           CAST(0 AS BIGINT) AS coarse_c, CAST(0 AS BIGINT) AS coarse_p,
           CAST(0 AS BIGINT) AS hours
    FROM estimated_unit
),
combined AS (
    SELECT * FROM hourly_periods
    UNION ALL
    SELECT * FROM coarse_periods
    UNION ALL
    SELECT * FROM estimated_periods
)
SELECT level, area_code, sector, carrier, year, month,
       sum(c) AS hourly_consumption, sum(p) AS hourly_production,
       sum(p_est) AS estimated_production, sum(matched) AS matched,
       max(peak_import) AS peak_import, max(peak_export) AS peak_export,
       sum(coarse_c) AS coarse_consumption, sum(coarse_p) AS coarse_production,
       sum(hours) AS hours
FROM combined
{keep}
GROUP BY level, area_code, sector, carrier, year, month
ORDER BY level, area_code, sector, carrier, year, month
"""  # noqa: S608


def meter_totals_sql(city: str, year: int) -> str:
    """Annual energy per meter with its location (for street-level cells)."""
    where = _filters(city, [year])
    return f"""
SELECT meter_id, flow, carrier, min(lon) AS lon, min(lat) AS lat,
       sum({_ENERGY}) AS energy
FROM readings
WHERE {where}
GROUP BY meter_id, flow, carrier
ORDER BY meter_id, flow, carrier
"""  # noqa: S608


def _utc_literal(moment: datetime) -> str:
    """A naive UTC datetime as a SQL timestamp literal (both engines)."""
    return f"CAST('{moment.strftime('%Y-%m-%d %H:%M:%S')}' AS TIMESTAMP)"


def profile_sql(start: datetime, end: datetime) -> str:
    """Electricity consumption and production per hour from ``start`` to ``end`` (naive UTC)
    of the leaf areas in table ``profile_areas``, from the hourly cubes, in integer mWh;
    ``estimated`` counts the cube rows of modelled production in that window."""
    since, until = _utc_literal(start), _utc_literal(end)
    return f"""
SELECT c.ts AS hour, CAST(sum(c.consumption_mwh) AS BIGINT) AS consumption,
       CAST(sum(c.production_mwh) AS BIGINT) AS production,
       (SELECT count(*) FROM estimated_cube e JOIN profile_areas b ON e.area_code = b.area_code
        WHERE e.carrier = 'electricity' AND e.resolution = 'hourly'
          AND e.ts >= {since} AND e.ts < {until}) AS estimated
FROM cube c JOIN profile_areas a ON c.area_code = a.area_code
WHERE c.carrier = 'electricity' AND c.resolution = 'hourly' AND c.ts >= {since} AND c.ts < {until}
GROUP BY c.ts
ORDER BY hour
"""  # noqa: S608


def period_meter_totals_sql(period: str, filters: str = "") -> str:
    """Energy per meter and flow, with its location, for readings matching ``period`` (a
    condition on ``ts`` built from a checked time span) and ``filters``; PV estimates are left
    out (they are not meters)."""
    return f"""
SELECT meter_id, flow, min(lon) AS lon, min(lat) AS lat, CAST(sum({_ENERGY}) AS BIGINT) AS energy
FROM readings
WHERE {period} {filters} AND meter_id NOT LIKE '{ESTIMATE_SOURCE_PREFIX}:%'
GROUP BY meter_id, flow
"""  # noqa: S608


def cell_matching_sql(period: str) -> str:
    """Per grid cell (table ``meter_cells``: meter_id, cell), hour-by-hour electricity
    consumption and its part met by production in the same hour and cell, in integer mWh."""
    return f"""
WITH per_hour AS (
    SELECT m.cell AS cell, date_trunc('hour', r.ts) AS hour,
           sum(CASE WHEN r.flow = 'consumption' THEN {_ENERGY} ELSE 0 END) AS c,
           sum(CASE WHEN r.flow = 'production' THEN {_ENERGY} ELSE 0 END) AS p
    FROM hourly_readings r JOIN meter_cells m ON r.meter_id = m.meter_id
    WHERE r.carrier = 'electricity' AND {period}
    GROUP BY m.cell, date_trunc('hour', r.ts)
)
SELECT cell, CAST(sum(c) AS BIGINT) AS hourly_c, CAST(sum(least(c, p)) AS BIGINT) AS matched
FROM per_hour GROUP BY cell
"""  # noqa: S608


def local_period(
    tz: str, year: int, month: int = 0, *, column: str = "ts"
) -> tuple[str, list[int]]:
    """SQL condition on a UTC timestamp ``column`` for one year or month by the city's clock,
    and the UTC year partitions that hold it.

    Bounds are worked out once here rather than converting every reading's timestamp.
    """
    zone = ZoneInfo(tz)
    start = datetime(int(year), int(month) or 1, 1, tzinfo=zone)
    if not month or month == 12:
        end = datetime(int(year) + 1, 1, 1, tzinfo=zone)
    else:
        end = datetime(int(year), int(month) + 1, 1, tzinfo=zone)

    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    condition = (
        f"{column} >= CAST('{utc(start)}' AS TIMESTAMP) "
        f"AND {column} < CAST('{utc(end)}' AS TIMESTAMP)"
    )
    first = start.astimezone(UTC).year
    last = (end.astimezone(UTC) - timedelta(microseconds=1)).year
    return condition, list(range(first, last + 1))
