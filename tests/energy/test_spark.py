"""The app's own queries (balance page data, street cells, hourly profile) give the same
answers when ``settings.ENERGY_ENGINE`` is ``spark``."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.energy.conftest import readings
from urbis.energy import engine, queries

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # A Spark session costs a minute on the 2-core test machine; the engine's own
    # equivalence test runs by default, this one when asked for.
    pytest.mark.skipif(
        not os.environ.get("URBIS_TEST_SPARK"),
        reason="set URBIS_TEST_SPARK=1 to run the app's queries on Spark",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
        reason="needs pyspark (pip install urbis[spark]) and a Java runtime",
    ),
]


def _answers(city: Any) -> dict[str, Any]:
    engine.forget(city)
    return {
        "balance": queries.balance_table(city, level="district", year=2025),
        "cells": queries.map_layer(city, level="street", measure="self_sufficiency", year=2025),
        "profile": queries.hourly_profile(city, "D02", 2025, 23),
    }


def test_app_queries_agree_on_duckdb_and_spark(
    barcelona: Any, settings: Any, energy_dir: Path, write_file: Any
) -> None:
    call_command("energy", "ingest", str(write_file("a.csv", readings())), "--city",
                 "barcelona", verbosity=0)
    settings.ENERGY_ENGINE = "duckdb"
    on_duckdb = _answers(barcelona)
    # The cube is cached per stored files; drop it so Spark computes it again.
    for cached in (energy_dir / "energy" / "cache").rglob("*.parquet"):
        cached.unlink()
    settings.ENERGY_ENGINE = "spark"
    try:
        on_spark = _answers(barcelona)
        assert engine.runner().name == "spark"
    finally:
        runner = engine._runners.pop("spark", None)
        if runner is not None:
            runner.stop()
    assert on_spark == on_duckdb
    assert on_duckdb["cells"]["features"] and sum(on_duckdb["profile"]["production_kwh"]) > 0
