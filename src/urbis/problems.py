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


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "one entry per refused field (or file, row and field)",
            "items": {"type": "object"},
        },
    },
}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare, on every operation of an OpenAPI document, that a client error (4XX) or a
    server error (5XX) answers with a problem document, so that clients and contract tests
    know every status the API can give and what its body looks like."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, label in (("4XX", "Client error"), ("5XX", "Server error")):
                responses.setdefault(status, {
                    "description": f"{label} (problem details)",
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": reference}},
                })
    return schema
