"""Urbis energy engine: pure Python, no Django.

Ingest metered consumption and production into a Parquet store partitioned by city and year,
compute the energy balance (net balance, hour-by-hour self-sufficiency and self-consumption,
peaks, per household and per m²) on DuckDB or Spark with the same SQL, estimate PV
production with pvlib, aggregate meters into privacy-safe street cells, rank the
Energy-Neutral Neighbourhoods competition and generate synthetic cities for demos and
benchmarks. Definitions: docs/ENERGY.md.
"""

from .areas import AreaIndex
from .balance import BalanceRow, EnergyBalance, energy_balance
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
from .store import committed_paths, list_files, remove_file

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
    "IngestReport",
    "ReadingError",
    "SparkRunner",
    "StoredFile",
    "committed_paths",
    "energy_balance",
    "ingest_file",
    "list_files",
    "make_runner",
    "remove_file",
]
