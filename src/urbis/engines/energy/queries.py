"""Query definitions, written once in the SQL subset that DuckDB and Spark SQL both accept.

Inputs are registered tables:

* ``readings`` — the store (see :mod:`.store`), with hive partition columns ``city``, ``year``;
* ``hourly_readings`` / ``coarse_readings`` — the same, only 15-minute and hourly / only
  daily and annual readings (stored in separate files, so no row needs a resolution test);
* ``estimated_readings`` — the hour-by-hour readings of the files of modelled readings (PV
  estimates; empty if there are none);
* ``area_units`` — ``(area_code, unit_code, unit_level, unit_is_leaf)`` from
  :meth:`AreaIndex.units_table`.

The one pass over the raw readings sums consumption and production per (leaf area, sector,
carrier, hour); estimated production is summed apart from the few estimate files, per month,
because a third sum in the big pass cost about 7 % of the balance (store clustered with flow,
docs/PERFORMANCE.md). Those sums are rounded to
integer milliwatt-hours, and everything after that is integer arithmetic, so both engines give
identical figures (their floating-point sums may differ in the last bits, far below
1 mWh). The Python side turns them back into kWh.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence

from .model import EnergyEngineError
from .store import check_city

MILLI_WH_PER_KWH = 1_000_000

_ENERGY = "CAST(round(kwh * 1e6) AS BIGINT)"  # kWh -> integer mWh


def _mwh(expr: str) -> str:
    """A kWh sum as integer milliwatt-hours."""
    return f"CAST(round({expr} * 1e6) AS BIGINT)"


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
    wanted = sorted({int(y) for y in years}) if years else None
    where = _filters(city, partition_years(wanted, tz))
    keep = f"WHERE year IN ({', '.join(map(str, wanted))})" if wanted else ""
    mat = "MATERIALIZED " if dialect == "duckdb" else ""
    local_hour = _local("hour", tz, dialect)
    local_ts = _local("ts", tz, dialect)
    return f"""
WITH hourly_leaf AS {mat}(
    SELECT area_code, sector, carrier, date_trunc('hour', ts) AS hour,
           {_mwh("sum(CASE WHEN flow = 'consumption' THEN kwh ELSE 0 END)")} AS c,
           {_mwh("sum(CASE WHEN flow = 'production' THEN kwh ELSE 0 END)")} AS p
    FROM hourly_readings
    WHERE {where}
    GROUP BY area_code, sector, carrier, date_trunc('hour', ts)
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
           {_mwh("sum(CASE WHEN flow = 'consumption' THEN kwh ELSE 0 END)")} AS c,
           {_mwh("sum(CASE WHEN flow = 'production' THEN kwh ELSE 0 END)")} AS p
    FROM coarse_readings
    WHERE {where}
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
           {_mwh("sum(kwh)")} AS p_est
    FROM estimated_readings
    WHERE {where} AND flow = 'production'
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
