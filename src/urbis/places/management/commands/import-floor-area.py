from __future__ import annotations

from urbis.places.management.figures import AreaFiguresCommand
from urbis.places.services import import_floor_area


class Command(AreaFiguresCommand):
    help = (
        "Set the built floor area (m²) of a city's areas from a CSV with the columns "
        "code,floor_area_m2,reference_date,source; energy use per m² follows from it. "
        "All or nothing."
    )
    figure = "floor area"
    importer = staticmethod(import_floor_area)
