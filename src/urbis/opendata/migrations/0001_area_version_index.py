"""An index that lets the open-data layers of places check, on every request, whether a city's
areas changed (newest ``updated_at`` and count per city and level) from the index alone.

Without it the check reads every area's row, boundary included (on SQLite, ``updated_at`` lies
past the boundary's overflow pages): about 150 ms for a city of 5,000 areas, on each OGC API
request. It belongs to the open-data read path, so it is created here, on places' table; the
places app may take it into ``Area.Meta.indexes`` later (drop this one then)."""

from django.db import migrations

NAME = "opendata_area_version"


class Migration(migrations.Migration):
    dependencies = [("places", "0005_city_code_rules")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON places_area (city_id, level, updated_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {NAME}",
        ),
    ]
