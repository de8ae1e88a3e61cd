"""A stored run's export as a download, for the page and the API alike (the records come from
``queries.run_export_records``)."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from urbis.scenarios import queries


def export_response(scenario: Any, run: Any, fmt: str) -> HttpResponseBase:
    """``fmt`` "csv": streamed, one line at a time; "json": one document."""
    name = f"{scenario.city.code}-{scenario.slug}-run-{run.pk}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(queries.run_export_csv(scenario, run),
                                         content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(queries.run_export_json(scenario, run))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
