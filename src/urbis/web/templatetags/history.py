"""Change-history rows in the reader's language: a recorded field name (``target_year``) shown
as its model's verbose name ("target year", translated), and a recorded raw value shown as the
reader expects it — a choice's label, yes/no, a date or a number in the reader's format. Rows
store names and raw values, so old rows read as well as new ones in every language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from urbis.web.templatetags.figures import figure

register = template.Library()


def _field(app_label: str, model: str, name: str) -> models.Field[Any, Any] | None:
    try:
        return apps.get_model(app_label, model)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None


@register.simple_tag
def field_label(app_label: str, model: str, name: str) -> str:
    field = _field(app_label, model, name)
    label = getattr(field, "verbose_name", None)
    return str(capfirst(label)) if label else name.replace("_", " ")


@register.simple_tag
def field_value(app_label: str, model: str, name: str, value: str) -> str:
    if value in (None, ""):
        return "—"
    field = _field(app_label, model, name)
    if field is None or not getattr(field, "concrete", False):
        return value  # a relation recorded as names (funding, impacts): shown as stored
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        # Stored as "yes"/"no" (older rows) or "true"/"false".
        return _("yes") if value.lower() in ("yes", "true", "1") else _("no")
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(field, models.FloatField | models.DecimalField):
        try:
            return str(figure(float(value)))
        except ValueError:
            return value
    return value
