"""Small builders shared by the scenario engine tests."""

from urbis.engines.scenario import EmissionFactor, Inventory, Scenario, default_factors

GAS = 0.202
GASOLINE = 0.249
DIESEL = 0.267
ELEC = 0.25


def inventory(**extra):
    rows = {
        ("residential_buildings", "natural_gas"): 1000.0,
        ("residential_buildings", "electricity"): 500.0,
        ("transport_private_commercial", "gasoline"): 800.0,
        ("transport_private_commercial", "diesel"): 200.0,
    }
    rows.update(extra)
    return Inventory(2020, rows)


def factors(electricity=None):
    return default_factors(electricity or EmissionFactor("electricity", ELEC))


def scenario(*measures, end_year=2030, inv=None, **kwargs):
    return Scenario(inv or inventory(), factors(), measures=tuple(measures), end_year=end_year,
                    **kwargs)


def cell(projection, year, sector, carrier, which="energy"):
    array = projection.energy if which == "energy" else projection.bau_energy
    return float(array[projection.years.index(year), projection.sectors.index(sector),
                       projection.carriers.index(carrier)])
