from __future__ import annotations

from urbis.places.management.figures import AreaFiguresCommand
from urbis.places.services import import_population


class Command(AreaFiguresCommand):
    help = (
        "Set population and households of a city's areas from a CSV with the columns "
        "code,population,households,reference_date,source (and, when households have their "
        "own, households_reference_date,households_source). All or nothing."
    )
    figure = "population"
    importer = staticmethod(import_population)
