"""RFC 9457 problem details, shared by the API and by pages that answer machines."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

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


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _nul_in(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """Why the request is refused for a NUL character in its text, or None."""
    try:
        where = _nul_place(request, kwargs)
    except MultiPartParserError as exc:
        # Django parses a body once, so the API would not see this error again: answer here.
        return f"The multipart/form-data body could not be read: {exc}"
    if where is None:
        return None
    return f"{where} holds a NUL (0x00) character, which no text may hold"


def _nul_place(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    if "\x00" in request.path or _holds_nul(list(map(str, kwargs.values()))):
        return "the path"
    for key, values in request.GET.lists():
        if _holds_nul([key, *values]):
            return f"query parameter {key!r}"
    try:
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            return "the JSON body" if _holds_nul(json.loads(request.body)) else None
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for key, values in request.POST.lists():  # form fields; files may hold any byte
                if _holds_nul([key, *values]):
                    return f"form field {key!r}"
    except (ValueError, SuspiciousOperation):
        pass  # a body that cannot be read is the API's to answer (400/413/422)
    return None


def refusing_nul(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view``, answering 400 to a request whose text holds a NUL (0x00) character.

    No text in Urbis may hold one, and PostgreSQL refuses it with an error that would make a
    plain search (``?search=%00``) a 500; checking here covers the path, the query, form fields
    and JSON bodies of every route at once, the same on every database."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _nul_in(request, kwargs)
        if refused is not None:
            return problem_response(request, 400, refused)
        return view(request, *args, **kwargs)

    return checked
