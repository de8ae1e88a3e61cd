
import datetime as dt

from ninja import Schema


class CityOut(Schema):
    code: str
    name: str
    country: str
    lau_code: str
    time_zone: str
    population: int | None
    population_date: dt.date | None
    population_source: str
    bbox: list[float] | None
    district_count: int = 0
    neighbourhood_count: int = 0
    url: str


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    population: int | None
    population_date: dt.date | None
    households: int | None
    floor_area_m2: float | None
    area_km2: float | None
    density_per_km2: float | None
    bbox: list[float]
    url: str
