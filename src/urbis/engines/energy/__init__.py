"""Urbis energy engine: pure Python, no Django.

Ingest metered consumption and production into a Parquet store partitioned by city and year,
compute the energy balance (net balance, hour-by-hour self-sufficiency and self-consumption,
peaks, per household and per m²) on DuckDB or Spark with the same SQL, estimate PV
production with pvlib, aggregate meters into privacy-safe street cells, rank the
Energy-Neutral Neighbourhoods competition and generate synthetic cities for demos and
benchmarks. Definitions: docs/ENERGY.md.
"""

from .areas import AreaIndex
from .balance import BalanceRow, EnergyBalance, changed_years, energy_balance, update_balance
from .competition import Entrant, EntrantYear, LeaderboardEntry, leaderboard
from .engines import DuckDBRunner, SparkRunner, make_runner
from .ingest import ingest_file
from .model import (
    CARRIERS,
    FLOWS,
    SECTORS,
    Area,
    EnergyEngineError,
    IngestReport,
    ReadingError,
    StoredFile,
)
from .pv import (
    PvEstimate,
    default_clear_sky_index,
    estimate_year,
    pv_profile,
    store_pv_estimates,
    year_hours,
)
from .store import committed_paths, list_files, local_years, remove_file
from .streets import StreetCells, meter_totals, street_cells, street_cells_for_city
from .synth import sector_profiles, synth, synthetic_areas

__all__ = [
    "CARRIERS",
    "FLOWS",
    "SECTORS",
    "Area",
    "AreaIndex",
    "BalanceRow",
    "DuckDBRunner",
    "EnergyBalance",
    "EnergyEngineError",
    "Entrant",
    "EntrantYear",
    "IngestReport",
    "LeaderboardEntry",
    "PvEstimate",
    "ReadingError",
    "SparkRunner",
    "StoredFile",
    "StreetCells",
    "changed_years",
    "committed_paths",
    "default_clear_sky_index",
    "energy_balance",
    "estimate_year",
    "ingest_file",
    "leaderboard",
    "list_files",
    "local_years",
    "make_runner",
    "meter_totals",
    "pv_profile",
    "remove_file",
    "sector_profiles",
    "store_pv_estimates",
    "street_cells",
    "street_cells_for_city",
    "synth",
    "synthetic_areas",
    "update_balance",
    "year_hours",
]
