"""The energy engine's reasons for refusing a reading file, in the reader's language.

The engine imports no Django, so it gives its reasons in English, each from one template of
``engines.energy.model.READING_REASONS``. A stored or reported reason is matched back to its
template here, and its values are put into the translated sentence when it is shown (upload
page, API): the stored text stays the engine's, as with the strategy history, so old uploads
read in every language too.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from urbis.engines.energy.model import READING_REASONS

#: code → (the sentence, the names of the template's ``{}`` values in order).
WORDING: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "missing_column": (_("missing column"), ()),
    "missing_location_column": (_("missing column: give area_code or lon and lat"), ()),
    "reserved_column": (_("reserved column name; rename or drop this column"), ()),
    "unknown_resolution_argument": (_("unknown resolution argument %(value)s"), ("value",)),
    "missing_timestamp": (_("missing timestamp"), ()),
    "no_time_zone": (_("timestamp has no time zone and no tz argument was given"), ()),
    "no_utc_offset": (_("timestamp has no UTC offset and no tz argument was given"), ()),
    "ambiguous_local_time": (
        _("local time is ambiguous or does not exist in %(tz)s (DST change)"), ("tz",)),
    "not_a_timestamp": (
        _("not a timestamp (expected ISO 8601, e.g. 2024-01-01T00:00:00+01:00)"), ()),
    "missing_meter_id": (_("missing meter id"), ()),
    "unknown_unit": (_("unknown unit '%(unit)s' (use Wh, kWh or MWh)"), ("unit",)),
    "unknown_code": (_("unknown %(field)s '%(value)s' (one of %(allowed)s)"),
                     ("field", "value", "allowed")),
    "not_a_number": (_("not a number"), ()),
    "not_finite": (_("not a finite number"), ()),
    "negative_value": (_("negative value (give production as flow=production, not as negative "
                         "consumption)"), ()),
    "unknown_resolution": (_("unknown resolution '%(value)s' (15min, hourly, daily or annual)"),
                           ("value",)),
    "resolution_not_inferred": (_("cannot infer the resolution of this meter's readings; add a "
                                  "resolution column"), ()),
    "absurd_value": (_("absurd value: %(kwh)s kWh in one %(resolution)s interval exceeds "
                       "%(limit)s kW"), ("kwh", "resolution", "limit")),
    "misaligned_timestamp": (_("timestamp is not at the start of its %(resolution)s interval"),
                             ("resolution",)),
    "unknown_area_code": (_("unknown area code '%(code)s'"), ("code",)),
    "missing_area_code": (_("missing area code"), ()),
    "no_longitude": (_("no area code and no valid longitude"), ()),
    "no_latitude": (_("no area code and no valid latitude"), ()),
    "outside_areas": (_("location (%(lon)s, %(lat)s) lies in no known area"), ("lon", "lat")),
    "duplicate_reading": (_("duplicate reading: same meter, flow and timestamp as row %(row)s"),
                          ("row",)),
    "no_readings": (_("file holds no readings"), ()),
    "empty_file": (_("the file is empty (0 bytes)"), ()),
    "not_parquet": (_("not a Parquet file (it does not start with the Parquet signature)"), ()),
    "not_utf8": (_("not UTF-8 text (byte %(byte)s); save the file as UTF-8 and send it again"),
                 ("byte",)),
    "unreadable": (_("cannot read file: %(reason)s"), ("reason",)),
    "already_stored": (_("reading of meter %(meter)s (%(flow)s) at %(ts)s UTC is already stored "
                         "by %(file)s (%(hash)s); remove that file first to replace its "
                         "readings"), ("meter", "flow", "ts", "file", "hash")),
}


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("(.*?)".join(re.escape(part) for part in template.split("{}")), re.S)


# The longest templates first, so that a template that begins another is tried after it.
_PATTERNS = sorted(
    ((code, _pattern(template)) for code, template in READING_REASONS.items()),
    key=lambda item: -len(READING_REASONS[item[0]]),
)


def parse(reason: str) -> tuple[str, dict[str, str]] | None:
    """The code and values of an engine reason, or None for a text no template gives."""
    for code, pattern in _PATTERNS:
        found = pattern.fullmatch(reason)
        if found is not None:
            return code, dict(zip(WORDING[code][1], found.groups(), strict=True))
    return None


def in_language(reason: str) -> str:
    """An engine reason in the active language (as stored when no template matches)."""
    parsed = parse(reason)
    if parsed is None:
        return reason
    code, values = parsed
    return str(WORDING[code][0]) % values if values else str(WORDING[code][0])


def errors_in_language(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored upload errors (file, row, field, reason) with each reason in the active language."""
    return [{**error, "reason": in_language(str(error.get("reason", "")))} for error in errors]
