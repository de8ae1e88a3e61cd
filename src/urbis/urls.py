"""Root URLs. Each Urbis app with a ``urls.py`` is included at the site root, so an app adds
its pages without editing this file (its paths start with its own prefix)."""

from __future__ import annotations

import importlib.util

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from urbis.api import api
from urbis.web import views as web_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("urbis.web.urls")),
    path("data-sources/", web_views.data_sources, name="data-sources"),
    path("accounts/", include("urbis.people.urls")),
    path("", include("urbis.people.city_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

for app in settings.INSTALLED_APPS:
    if (
        app.startswith("urbis.")
        and app not in {"urbis.web", "urbis.people"}
        and importlib.util.find_spec(f"{app}.urls") is not None
    ):
        urlpatterns.append(path("", include(f"{app}.urls")))

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns.append(
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
