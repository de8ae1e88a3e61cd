"""RFC 9457 problem details, shared by the API and by pages that answer machines."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    request: HttpRequest, status: int, detail: str | None = None, **extensions: Any
) -> HttpResponse:
    """A problem document. Urbis registers no problem types of its own, so ``type`` is
    ``about:blank`` and ``title`` is the status phrase, as RFC 9457 §4.2.1 asks."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "instance": request.get_full_path(),
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
