"""Finds the optional modules Urbis apps provide (``api``, ``navigation``, ``demo``,
``personal_data``), so the core never lists the apps built on top of it."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from django.conf import settings


def app_modules(module: str, *, exclude: tuple[str, ...] = ()) -> list[ModuleType]:
    """``urbis.<app>.<module>`` for every installed Urbis app that has one, in settings order."""
    found = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("urbis.") or app in exclude:
            continue
        name = f"{app}.{module}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found
