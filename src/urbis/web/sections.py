"""Lets each app add its own links to a city page and sections to an area page.

An app that wants this has a ``navigation`` module with ``city_links(request, city)`` returning
``[{"url": ..., "label": ...}]`` and/or ``area_sections(request, area)`` returning
``[{"template": ..., **context}]``. Places stays ignorant of the apps built on top of it.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from types import ModuleType
from typing import Any

from django.conf import settings
from django.http import HttpRequest


@cache
def _navigation_modules() -> list[ModuleType]:
    modules = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("urbis."):
            continue
        name = f"{app}.navigation"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    for module in _navigation_modules():
        if hasattr(module, "city_links"):
            links.extend(module.city_links(request, city))
    return links


def area_sections(request: HttpRequest, area: Any) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for module in _navigation_modules():
        if hasattr(module, "area_sections"):
            sections.extend(module.area_sections(request, area))
    return sections
