"""Energy balance per area, sector, carrier, year and month (see docs/ENERGY.md)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from .areas import AreaIndex
from .engines import QueryRunner, make_runner
from .model import Area, StoredFile
from .queries import MILLI_WH_PER_KWH, balance_sql, partition_years
from .store import local_years


@dataclass(frozen=True)
class BalanceRow:
    """Figures of one (area, sector, carrier, period). Energy in kWh, power in kW.

    ``consumption_kwh``/``production_kwh`` include coarse (daily/annual) readings;
    ``self_consumed_kwh``, ratios and peaks come from hourly-resolved readings only.
    Ratios are ``None`` when their denominator is zero.
    """

    level: str
    area_code: str
    sector: str
    carrier: str
    year: int
    month: int
    consumption_kwh: float
    production_kwh: float
    net_kwh: float
    self_consumed_kwh: float
    self_sufficiency: float | None
    self_consumption: float | None
    peak_import_kw: float | None
    peak_export_kw: float | None
    estimated_production_kwh: float
    coarse_consumption_kwh: float
    coarse_production_kwh: float
    hours: int
    households: int | None
    floor_area_m2: float | None
    consumption_per_household_kwh: float | None
    net_per_household_kwh: float | None
    consumption_per_m2_kwh: float | None


class EnergyBalance:
    """The balance cube: one row per (level, area_code, sector, carrier, year, month).

    ``sector`` is a sector name or ``"all"``; ``month`` is 1–12, or 0 for the whole year.
    """

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def to_arrow(self) -> pa.Table:
        return self.frame.to_arrow()

    def to_polars(self) -> pl.DataFrame:
        return self.frame

    def __len__(self) -> int:
        return self.frame.height

    def rows(self) -> list[BalanceRow]:
        return [BalanceRow(**r) for r in self.frame.iter_rows(named=True)]

    def row(
        self,
        area_code: str,
        year: int,
        *,
        carrier: str = "electricity",
        sector: str = "all",
        month: int = 0,
    ) -> BalanceRow | None:
        """One row, or ``None`` if that area had no readings in that period."""
        hit = self.frame.filter(
            (pl.col("area_code") == area_code)
            & (pl.col("year") == year)
            & (pl.col("carrier") == carrier)
            & (pl.col("sector") == sector)
            & (pl.col("month") == month)
        )
        if hit.height == 0:
            return None
        return BalanceRow(**hit.row(0, named=True))


#: Local production is electricity (PV), so self-sufficiency and self-consumption are
#: figures of electricity: over all carriers, they are electricity's.
SELF_SUFFICIENCY_CARRIER = "electricity"


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def self_sufficiency(matched: pl.Expr, hourly_consumption: pl.Expr) -> pl.Expr:
    """Share of hour-by-hour consumption met by local production in the same hour:
    ``sum over hours of min(consumption, production) / sum of consumption`` (``None``
    without consumption). ``matched`` is that sum of minima."""
    return _ratio(matched, hourly_consumption)


def self_consumption(matched: pl.Expr, hourly_production: pl.Expr) -> pl.Expr:
    """Share of hour-by-hour local production used locally in the same hour (``None``
    without production)."""
    return _ratio(matched, hourly_production)


def hourly_self_sufficiency(
    consumption: Sequence[float], production: Sequence[float]
) -> float | None:
    """:func:`self_sufficiency` of a few hours given as two lists of equal length."""
    total = sum(consumption)
    if total <= 0:
        return None
    return sum(min(c, p) for c, p in zip(consumption, production, strict=True)) / total


def self_sufficiency_value(matched: float | None, hourly_consumption: float | None) -> float | None:
    """:func:`self_sufficiency` of plain numbers (e.g. a street cell's sums)."""
    if not hourly_consumption or hourly_consumption <= 0:
        return None
    return float(matched or 0) / float(hourly_consumption)


def finish_balance(raw: pa.Table, areas: AreaIndex) -> EnergyBalance:
    """Turn the engine's integer sums into kWh, ratios and per-household/m² figures.

    Shared by every engine, so the engines only have to agree on ``raw``.
    """
    frame = pl.from_arrow(raw)
    assert isinstance(frame, pl.DataFrame)
    scale = float(MILLI_WH_PER_KWH)
    codes = sorted(areas.areas)
    denominators = pl.DataFrame(
        {
            "area_code": codes,
            "households": [areas.households(c) for c in codes],
            "floor_area_m2": [areas.floor_area_m2(c) for c in codes],
        },
        schema={"area_code": pl.String, "households": pl.Int64, "floor_area_m2": pl.Float64},
    )
    hourly_c = pl.col("hourly_consumption") / scale
    hourly_p = pl.col("hourly_production") / scale
    matched = pl.col("matched") / scale
    frame = frame.with_columns(
        consumption_kwh=(pl.col("hourly_consumption") + pl.col("coarse_consumption")) / scale,
        production_kwh=(pl.col("hourly_production") + pl.col("coarse_production")) / scale,
        self_consumed_kwh=matched,
        self_sufficiency=self_sufficiency(matched, hourly_c),
        self_consumption=self_consumption(matched, hourly_p),
        # A kWh summed over one clock hour is that hour's mean power in kW.
        peak_import_kw=pl.when(pl.col("hours") > 0).then(
            pl.max_horizontal(pl.col("peak_import"), pl.lit(0)) / scale
        ),
        peak_export_kw=pl.when(pl.col("hours") > 0).then(
            pl.max_horizontal(pl.col("peak_export"), pl.lit(0)) / scale
        ),
        estimated_production_kwh=pl.col("estimated_production") / scale,
        coarse_consumption_kwh=pl.col("coarse_consumption") / scale,
        coarse_production_kwh=pl.col("coarse_production") / scale,
    ).with_columns(net_kwh=pl.col("consumption_kwh") - pl.col("production_kwh"))
    frame = frame.join(denominators, on="area_code", how="left").with_columns(
        consumption_per_household_kwh=_ratio(pl.col("consumption_kwh"), pl.col("households")),
        net_per_household_kwh=_ratio(pl.col("net_kwh"), pl.col("households")),
        consumption_per_m2_kwh=_ratio(pl.col("consumption_kwh"), pl.col("floor_area_m2")),
    )
    fields = list(BalanceRow.__dataclass_fields__)
    frame = frame.select(fields).with_columns(
        pl.col("year").cast(pl.Int32),
        pl.col("month").cast(pl.Int32),
        pl.col("hours").cast(pl.Int64),
    )
    return EnergyBalance(frame.sort("level", "area_code", "sector", "carrier", "year", "month"))


def energy_balance(
    data_dir: str | os.PathLike[str],
    city: str,
    areas: AreaIndex | Iterable[Area],
    *,
    years: Iterable[int] | None = None,
    engine: str | QueryRunner = "duckdb",
    tz: str = "UTC",
    source: str = "cube",
    **engine_options: Any,
) -> EnergyBalance:
    """Compute the energy balance of a city's stored readings on the chosen engine.

    ``tz`` (IANA name, e.g. ``"Europe/Madrid"``) sets the clock that years and months
    follow; hours are clock hours either way. ``engine`` is ``"duckdb"`` (default) or
    ``"spark"`` (or a runner object, to reuse a Spark
    session); ``engine_options`` go to the runner (e.g. ``memory_limit="1GB"``,
    ``temp_dir=...`` for DuckDB, ``master=...`` for Spark). ``source`` is ``"cube"``
    (default: the hourly cubes written at ingestion, built first for files stored before
    them) or ``"readings"`` (the raw readings, the source of truth; same figures exactly).
    """
    index = areas if isinstance(areas, AreaIndex) else AreaIndex(areas)
    year_list = sorted({int(y) for y in years}) if years is not None else None
    runner = make_runner(engine, **engine_options)
    raw = runner.run(
        balance_sql(city, year_list, dialect=runner.name, tz=tz, source=source),
        data_dir,
        city,
        partition_years(year_list, tz),
        {"area_units": index.units_table()},
    )
    return finish_balance(raw, index)


def changed_years(before: Iterable[StoredFile], after: Iterable[StoredFile], tz: str) -> list[int]:
    """The years (by the clocks of ``tz``) whose balance can differ between two states of a
    city's store: those of every file stored or withdrawn in between. A year's balance
    depends only on the readings of that year, so the others can be kept."""
    old = {(r.file_hash, r.ingested_at): r for r in before}
    new = {(r.file_hash, r.ingested_at): r for r in after}
    changed = [old[k] for k in old.keys() - new.keys()] + [new[k] for k in new.keys() - old.keys()]
    return sorted({year for record in changed for year in local_years(record, tz)})


def update_balance(
    previous: EnergyBalance,
    data_dir: str | os.PathLike[str],
    city: str,
    areas: AreaIndex | Iterable[Area],
    years: Iterable[int],
    *,
    engine: str | QueryRunner = "duckdb",
    tz: str = "UTC",
    source: str = "cube",
    **engine_options: Any,
) -> EnergyBalance:
    """``previous`` (the balance of the same city, areas and ``tz`` before some files were
    stored or withdrawn) with the rows of ``years`` recomputed (see :func:`changed_years`):
    what a delivery costs is its own years' areas × hours, not the whole history."""
    wanted = sorted({int(y) for y in years})
    if not wanted:
        return previous
    fresh = energy_balance(
        data_dir, city, areas, years=wanted, engine=engine, tz=tz, source=source,
        **engine_options,
    ).frame
    kept = previous.frame.filter(~pl.col("year").is_in(wanted))
    return EnergyBalance(
        pl.concat([kept, fresh]).sort("level", "area_code", "sector", "carrier", "year", "month")
    )
