from __future__ import annotations

import os
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from urbis.places import queries
from urbis.web.datasets import DATASETS, KINDS


def home(request: HttpRequest) -> HttpResponse:
    cities = list(queries.visible_cities(request.user))
    return render(
        request,
        "web/home.html",
        {"cities": cities, "cities_geojson_url": reverse("places:cities-geojson")},
    )


def data_sources(request: HttpRequest) -> HttpResponse:
    """Where every published figure comes from, as the licences (CC BY, ODbL) require."""
    return render(request, "web/data_sources.html", {
        "sources": queries.data_sources(request.user),
        "datasets": [(d, KINDS[d.kind]) for d in DATASETS],
    })


_MAX_RANGE = 32 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def basemap(request: HttpRequest) -> HttpResponseBase:
    """The configured PMTiles base map, answered by byte ranges: the map reads only the
    directory and the tiles it shows, never the whole (often gigabyte-sized) file."""
    path = settings.BASEMAP_PMTILES
    if not path or path.startswith(("http://", "https://")) or not os.path.isfile(path):
        raise Http404(_("No base-map file is configured on this server."))
    size = os.path.getsize(path)
    wanted = request.headers.get("Range", "")
    if not wanted:
        response = FileResponse(open(path, "rb"), content_type="application/vnd.pmtiles")  # noqa: SIM115
        response["Accept-Ranges"] = "bytes"
        return response
    match = _RANGE.match(wanted.strip())
    if not match or match.groups() == ("", ""):
        return _unsatisfiable(size)
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return _unsatisfiable(size)
    end = min(end, start + _MAX_RANGE - 1)  # a client asking for more gets it in parts
    with open(path, "rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    partial = HttpResponse(body, status=206, content_type="application/vnd.pmtiles")
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Accept-Ranges"] = "bytes"
    partial["Cache-Control"] = "public, max-age=86400"
    return partial


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response
