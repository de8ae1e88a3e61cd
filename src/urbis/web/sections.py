"""Lets each app add links and sections to pages that other apps own.

An app that wants this has a ``navigation`` module with any of:

- ``site_links(request)`` → ``[{"url": ..., "label": ...}]`` for the header of every page;
- ``city_links(request, city)`` → ``[{"url": ..., "label": ...}]`` for the city page;
- ``<page>_sections(request, obj)`` → ``[{"template": ..., **context}]`` for a page that calls
  ``page_sections("<page>", request, obj)`` (the area page calls it with ``"area"``, the strategy
  action page with ``"action"``).

So places knows nothing of strategy, and strategy nothing of engagement.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from urbis.discovery import app_modules


@cache
def _navigation_modules() -> list[ModuleType]:
    return app_modules("navigation")


def site_links(request: HttpRequest) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    for module in _navigation_modules():
        if hasattr(module, "site_links"):
            links.extend(module.site_links(request))
    return links


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    for module in _navigation_modules():
        if hasattr(module, "city_links"):
            links.extend(module.city_links(request, city))
    return links


def page_sections(page: str, request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for module in _navigation_modules():
        provider = getattr(module, f"{page}_sections", None)
        if provider is not None:
            sections.extend(provider(request, obj))
    return sections


def render_sections(page: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    """The sections of ``page_sections`` rendered to HTML, each with its own context.

    A bare ``{% include section.template %}`` would hand the section's template only the page's
    context, not the keys the section brought, so each is rendered here with them both at the
    top level and under ``section`` (apps use either)."""
    return [
        render_to_string(section["template"], {**section, "section": section}, request=request)
        for section in page_sections(page, request, obj)
    ]
