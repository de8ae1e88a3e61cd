"""Field types shared by the API's input schemas, so that what a schema accepts is what every
database can store (PostgreSQL is stricter than SQLite): a value outside is a 422 naming the
field, not a database error."""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

#: The largest value of a PostgreSQL ``integer`` column (Django's IntegerField).
DB_INT_MAX = 2**31 - 1


def _as_utc(value: dt.datetime) -> dt.datetime:
    # PostgreSQL takes UTC offsets up to ±15:59 only, where ISO 8601 (and pydantic) allow
    # ±23:59; the same instant in UTC is stored everywhere.
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(_("the date is out of range")) from exc


#: A date and time, stored in UTC whatever offset the client wrote it with.
Instant = Annotated[dt.datetime, AfterValidator(_as_utc)]
#: A whole number an integer column can hold.
DbInt = Annotated[int, Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX)]
