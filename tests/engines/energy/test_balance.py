"""Balance figures against a small example computed by hand."""

from __future__ import annotations

import pytest

from urbis.engines.energy import energy_balance, ingest_file

from .conftest import write_csv

# Neighbourhood N1 over three hours of 2024-06-01 (UTC):
#   hour  consumption (h1 + c1)     production (p1)   matched  net
#   08    1.0 + 0.5 (4 x 15-min)    3.0               1.5      -1.5 (export 1.5)
#   09    2.0 + 0.0                 1.0               1.0       1.0
#   10    4.0 + 0.0                 0.0               0.0       4.0 (peak import)
# totals: C = 7.5, P = 4.0, matched = 2.5
# N2 (same district): one commercial meter, 2 kWh at 08 and a 10 kWh daily reading on June 2.
READINGS = [
    "h1;2024-06-01T08:00:00Z;1;kWh;consumption;residential;electricity;N1;hourly",
    "h1;2024-06-01T09:00:00Z;2;kWh;consumption;residential;electricity;N1;hourly",
    "h1;2024-06-01T10:00:00Z;4;kWh;consumption;residential;electricity;N1;hourly",
    "c1;2024-06-01T08:00:00Z;0,125;kWh;consumption;commercial;electricity;N1;15min",
    "c1;2024-06-01T08:15:00Z;0,125;kWh;consumption;commercial;electricity;N1;15min",
    "c1;2024-06-01T08:30:00Z;0,125;kWh;consumption;commercial;electricity;N1;15min",
    "c1;2024-06-01T08:45:00Z;0,125;kWh;consumption;commercial;electricity;N1;15min",
    "p1;2024-06-01T08:00:00Z;3;kWh;production;residential;electricity;N1;hourly",
    "p1;2024-06-01T09:00:00Z;1;kWh;production;residential;electricity;N1;hourly",
    "p1;2024-06-01T10:00:00Z;0;kWh;production;residential;electricity;N1;hourly",
    "k2;2024-06-01T08:00:00Z;2;kWh;consumption;commercial;electricity;N2;hourly",
    "d2;2024-06-02T00:00:00+02:00;10;kWh;consumption;commercial;electricity;N2;daily",
    "g2;2024-01-01T00:00:00+01:00;1200;kWh;consumption;residential;gas;N2;annual",
]
HEADER = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code;resolution"


@pytest.fixture
def balance(tmp_path, areas):
    report = ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "stored", report.errors
    return energy_balance(tmp_path / "d", "bcn", areas)


def test_neighbourhood_figures_hour_by_hour(balance):
    row = balance.row("N1", 2024)
    assert row is not None
    assert row.level == "neighbourhood"
    assert row.consumption_kwh == pytest.approx(7.5)
    assert row.production_kwh == pytest.approx(4.0)
    assert row.net_kwh == pytest.approx(3.5)
    assert row.self_consumed_kwh == pytest.approx(2.5)
    assert row.self_consumption == pytest.approx(2.5 / 4.0)
    assert row.self_sufficiency == pytest.approx(2.5 / 7.5)
    assert row.peak_import_kw == pytest.approx(4.0)
    assert row.peak_export_kw == pytest.approx(1.5)
    assert row.hours == 3


def test_hourly_self_consumption_differs_from_annual_totals(balance):
    row = balance.row("N1", 2024)
    assert row is not None
    annual_view = min(row.consumption_kwh, row.production_kwh) / row.production_kwh
    assert annual_view == 1.0  # totals alone would claim all production is used locally
    assert row.self_consumption == pytest.approx(0.625)


def test_sector_rows_match_within_the_sector(balance):
    residential = balance.row("N1", 2024, sector="residential")
    commercial = balance.row("N1", 2024, sector="commercial")
    assert residential is not None and commercial is not None
    assert residential.consumption_kwh == pytest.approx(7.0)
    assert residential.self_consumed_kwh == pytest.approx(1.0 + 1.0 + 0.0)
    assert commercial.production_kwh == 0 and commercial.self_sufficiency == 0
    assert commercial.consumption_kwh == pytest.approx(0.5)  # four 15-min readings, one hour


def test_rollup_to_district_and_city_matches_per_hour(balance):
    district = balance.row("D1", 2024)
    city = balance.row("BCN", 2024)
    assert district is not None and city is not None
    # Hour 08 now has consumption 1.5 + 2 = 3.5 against production 3: matched 3, not 1.5.
    assert district.self_consumed_kwh == pytest.approx(3.0 + 1.0)
    assert district.consumption_kwh == pytest.approx(7.5 + 2 + 10)  # daily reading included
    assert district.coarse_consumption_kwh == pytest.approx(10)
    assert district.self_sufficiency == pytest.approx(4.0 / 9.5)  # hourly-resolved only
    assert city.consumption_kwh == district.consumption_kwh
    assert district.peak_export_kw == pytest.approx(0.0)


def test_months_and_coarse_readings(balance):
    june = balance.row("N2", 2024, month=6)
    assert june is not None and june.consumption_kwh == pytest.approx(12.0)
    gas_year = balance.row("N2", 2023, carrier="gas")
    assert gas_year is not None and gas_year.consumption_kwh == pytest.approx(1200)
    # The annual gas reading (starts 2023-12-31 23:00 UTC) has no month row.
    assert balance.row("N2", 2023, carrier="gas", month=12) is None
    assert gas_year.self_sufficiency is None and gas_year.peak_import_kw is None


def test_per_household_and_per_m2(balance):
    n1 = balance.row("N1", 2024)
    d1 = balance.row("D1", 2024)
    assert n1 is not None and d1 is not None
    assert n1.households == 100
    assert n1.consumption_per_household_kwh == pytest.approx(7.5 / 100)
    assert n1.net_per_household_kwh == pytest.approx(3.5 / 100)
    assert n1.consumption_per_m2_kwh == pytest.approx(7.5 / 8000)
    assert d1.households == 150  # summed over its neighbourhoods
    assert d1.floor_area_m2 is None  # N2's floor area is unknown
    assert d1.consumption_per_m2_kwh is None


def test_unknown_engine_is_refused(tmp_path, areas):
    from urbis.engines.energy import EnergyEngineError

    with pytest.raises(EnergyEngineError):
        energy_balance(tmp_path, "bcn", areas, engine="pandas")


BOUNDARY = [
    # 2024-07-01 00:00 in Madrid is 2024-06-30 22:00 UTC.
    "q1;2024-06-30T21:45:00Z;1;kWh;consumption;residential;electricity;N1;15min",  # June
    "q1;2024-06-30T22:00:00Z;2;kWh;consumption;residential;electricity;N1;15min",  # July
    "d1;2024-07-01T00:00:00+02:00;5;kWh;consumption;commercial;electricity;N1;daily",  # July
    "a1;2024-01-01T00:00:00+01:00;100;kWh;consumption;residential;gas;N1;annual",  # 2024
]


@pytest.fixture
def boundary_store(tmp_path, areas):
    data = tmp_path / "b"
    report = ingest_file(
        write_csv(tmp_path / "b.csv", BOUNDARY, HEADER), city="bcn", areas=areas, data_dir=data
    )
    assert report.status == "stored", report.errors
    return data


def test_years_and_months_follow_the_city_clock(boundary_store, areas):
    local = energy_balance(boundary_store, "bcn", areas, tz="Europe/Madrid")
    june = local.row("N1", 2024, month=6)
    july = local.row("N1", 2024, month=7)
    assert june is not None and july is not None
    assert june.consumption_kwh == pytest.approx(1.0)
    assert july.consumption_kwh == pytest.approx(2.0 + 5.0)
    gas = local.row("N1", 2024, carrier="gas")
    assert gas is not None and gas.consumption_kwh == pytest.approx(100.0)
    assert local.row("N1", 2023, carrier="gas") is None
    # By the UTC clock the same readings fall differently: that is what tz= is for.
    utc = energy_balance(boundary_store, "bcn", areas)
    utc_june = utc.row("N1", 2024, month=6)
    assert utc_june is not None and utc_june.consumption_kwh == pytest.approx(1.0 + 2.0 + 5.0)
    utc_gas = utc.row("N1", 2023, carrier="gas")
    assert utc_gas is not None and utc_gas.consumption_kwh == pytest.approx(100.0)


def test_asking_for_one_local_year_reads_its_neighbouring_partitions(boundary_store, areas):
    only_2024 = energy_balance(boundary_store, "bcn", areas, years=[2024], tz="Europe/Madrid")
    assert set(only_2024.to_polars()["year"]) == {2024}
    gas = only_2024.row("BCN", 2024, carrier="gas")
    assert gas is not None and gas.consumption_kwh == pytest.approx(100.0)


def test_unknown_time_zone_is_refused(boundary_store, areas):
    from urbis.engines.energy.model import EnergyEngineError

    for bad in ("Mars/Olympus", "Europe/Madrid'; DROP TABLE x; --"):
        with pytest.raises(EnergyEngineError):
            energy_balance(boundary_store, "bcn", areas, tz=bad)
