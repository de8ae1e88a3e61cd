"""The errors every input path reports: which file, which row, which field, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RowError:
    """One reason a row (a feature, a CSV line) was refused."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return _("%(file)s, row %(row)s, field '%(field)s': %(reason)s") % {
            "file": self.file, "row": self.row, "field": self.field, "reason": self.reason}


class ImportRefused(Exception):
    """The input had errors; nothing of it was stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(f"  - {error}" for error in errors[:50])
        more = "\n  " + _("… and %(n)d more") % {"n": len(errors) - 50} if len(errors) > 50 else ""
        head = ngettext("%(n)d error; nothing was stored:", "%(n)d errors; nothing was stored:",
                        len(errors)) % {"n": len(errors)}
        super().__init__(f"{head}\n{shown}{more}")


# ---------------------------------------------------------------- API input (pydantic) errors

def _plural(singular: str, plural: str, key: str) -> Callable[[dict[str, Any]], str]:
    return lambda ctx: ngettext(singular, plural, int(ctx[key])) % ctx


#: pydantic error ``type`` → its message in the active language, from the error's ``ctx``.
#: A type not listed keeps pydantic's English message.
_INPUT_REASONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda ctx: _("Field required"),
    "extra_forbidden": lambda ctx: _("Extra inputs are not permitted"),
    "string_type": lambda ctx: _("Input should be a valid string"),
    "string_too_short": _plural("String should have at least %(min_length)s character",
                                "String should have at least %(min_length)s characters",
                                "min_length"),
    "string_too_long": _plural("String should have at most %(max_length)s character",
                               "String should have at most %(max_length)s characters",
                               "max_length"),
    "string_pattern_mismatch": lambda ctx: _("String should match pattern '%(pattern)s'") % ctx,
    "int_type": lambda ctx: _("Input should be a valid integer"),
    "int_parsing": lambda ctx: _(
        "Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": lambda ctx: _(
        "Input should be a valid integer, got a number with a fractional part"),
    "float_type": lambda ctx: _("Input should be a valid number"),
    "float_parsing": lambda ctx: _(
        "Input should be a valid number, unable to parse string as a number"),
    "finite_number": lambda ctx: _("Input should be a finite number"),
    "decimal_type": lambda ctx: _("Decimal input should be an integer, float, string or "
                                  "Decimal object"),
    "decimal_parsing": lambda ctx: _("Input should be a valid decimal"),
    "bool_type": lambda ctx: _("Input should be a valid boolean"),
    "bool_parsing": lambda ctx: _(
        "Input should be a valid boolean, unable to interpret input"),
    "greater_than": lambda ctx: _("Input should be greater than %(gt)s") % ctx,
    "greater_than_equal": lambda ctx: _(
        "Input should be greater than or equal to %(ge)s") % ctx,
    "less_than": lambda ctx: _("Input should be less than %(lt)s") % ctx,
    "less_than_equal": lambda ctx: _("Input should be less than or equal to %(le)s") % ctx,
    "multiple_of": lambda ctx: _("Input should be a multiple of %(multiple_of)s") % ctx,
    "too_short": _plural(
        "%(field_type)s should have at least %(min_length)s item after validation, not "
        "%(actual_length)s",
        "%(field_type)s should have at least %(min_length)s items after validation, not "
        "%(actual_length)s", "min_length"),
    "too_long": _plural(
        "%(field_type)s should have at most %(max_length)s item after validation, not "
        "%(actual_length)s",
        "%(field_type)s should have at most %(max_length)s items after validation, not "
        "%(actual_length)s", "max_length"),
    "list_type": lambda ctx: _("Input should be a valid list"),
    "dict_type": lambda ctx: _("Input should be a valid dictionary"),
    "model_type": lambda ctx: _(
        "Input should be a valid dictionary or instance of %(class_name)s") % ctx,
    "model_attributes_type": lambda ctx: _(
        "Input should be a valid dictionary or object to extract fields from"),
    "date_type": lambda ctx: _("Input should be a valid date"),
    # These carry pydantic's own detail (e.g. "input is too short"), which stays English.
    "date_parsing": lambda ctx: _(
        "Input should be a valid date in the format YYYY-MM-DD, %(error)s") % ctx,
    "date_from_datetime_parsing": lambda ctx: _(
        "Input should be a valid date or datetime, %(error)s") % ctx,
    "date_from_datetime_inexact": lambda ctx: _(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "datetime_type": lambda ctx: _("Input should be a valid datetime"),
    "datetime_parsing": lambda ctx: _("Input should be a valid datetime, %(error)s") % ctx,
    "datetime_from_date_parsing": lambda ctx: _(
        "Input should be a valid datetime or date, %(error)s") % ctx,
    "time_parsing": lambda ctx: _("Input should be in a valid time format, %(error)s") % ctx,
    "enum": lambda ctx: _("Input should be %(expected)s") % ctx,
    "literal_error": lambda ctx: _("Input should be %(expected)s") % ctx,
    "url_type": lambda ctx: _("URL input should be a string or URL"),
    "url_parsing": lambda ctx: _("Input should be a valid URL, %(error)s") % ctx,
    "url_scheme": lambda ctx: _("URL scheme should be %(expected_schemes)s") % ctx,
    "uuid_parsing": lambda ctx: _("Input should be a valid UUID, %(error)s") % ctx,
    "json_invalid": lambda ctx: _("Invalid JSON: %(error)s") % ctx,
    "none_required": lambda ctx: _("Input should be None"),
    "uuid_type": lambda ctx: _("UUID input should be a string, bytes or UUID object"),
    "json_type": lambda ctx: _("JSON input should be string, bytes or bytearray"),
    "string_unicode": lambda ctx: _(
        "Input should be a valid string, unable to parse raw data as a unicode string"),
    # A validator's own message (ValueError) was already worded, in the request's language,
    # by the code that raised it; pydantic only prefixes "Value error, ".
    "value_error": lambda ctx: str(ctx["error"]),
    "assertion_error": lambda ctx: str(ctx["error"]),
}


_BOUNDS = {"gt", "ge", "lt", "le", "multiple_of"}


def _number(value: Any) -> Any:
    """A bound as pydantic shows it (1.0 as 1), with the reader's decimal separator."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float | Decimal):
        return formats.number_format(value)
    return value


def input_reason(error: dict[str, Any]) -> str:
    """One pydantic (or django-ninja) input error as a sentence in the active language;
    a type not known here, or one without the values it needs, keeps pydantic's message."""
    wording = _INPUT_REASONS.get(str(error.get("type", "")))
    if wording is None:
        return str(error.get("msg", ""))
    ctx = {key: _number(value) if key in _BOUNDS else value
           for key, value in (error.get("ctx") or {}).items()}
    try:
        return wording(ctx)
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))
