"""The public API at ``/api/v1/``: one django-ninja instance, one router per app.

Each app that has an ``api.py`` with a ``router`` is mounted here, so adding an app's API needs no
change to this file. Every error leaves as RFC 9457 ``application/problem+json``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from urbis.discovery import app_modules
from urbis.errors import ImportRefused, input_reason
from urbis.people.api_auth import InvalidToken
from urbis.problems import document_problems, problem_response, refusing_nul

logger = logging.getLogger("django.request")


class _Api(NinjaAPI):
    """Every operation also documents its 4XX and 5XX problem documents, and refuses text
    holding a NUL character before it reaches a handler."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_problems(super().get_openapi_schema(**kwargs))

    def _get_urls(self) -> Any:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = refusing_nul(pattern.callback)
        return patterns


api = _Api(
    title="Urbis API",
    version="1",
    description=(
        "Open data and write access for Urbis cities. Anonymous clients read what a city has "
        "published; writes need a role in that city (session cookie with CSRF token, or an "
        "`Authorization: Bearer <token>` API token). Errors are RFC 9457 problem details."
    ),
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in err.get("loc", [])),
            "reason": input_reason(err),  # in the request's language
        }
        for err in exc.errors
    ]
    return problem_response(request, 422, _summary(errors), errors=errors)


@api.exception_handler(ImportRefused)
def _import_refused(request: HttpRequest, exc: ImportRefused) -> HttpResponse:
    errors = [
        {"file": e.file, "row": e.row, "field": e.field, "reason": e.reason} for e in exc.errors
    ]
    return problem_response(
        request, 422, _("Refused; nothing was stored. %(errors)s") % {"errors": _summary(errors)},
        errors=errors,
    )


@api.exception_handler(ValidationError)
def _domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": name, "reason": str(message)}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "reason": str(message)} for message in exc.messages]
    return problem_response(request, 422, _summary(errors), errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        response = problem_response(request, 401, _("The API token is unknown or revoked."))
        response["WWW-Authenticate"] = 'Bearer realm="urbis", error="invalid_token"'
        return response
    response = problem_response(request, 401, _("Log in, or send an API token."))
    response["WWW-Authenticate"] = 'Bearer realm="urbis"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, 403, str(exc) or _("You may not do this here."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, 404, str(exc) or None)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, exc.status_code, str(exc))


@api.exception_handler(MultiPartParserError)
def _malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # Raised while the body is parsed (no boundary, a broken part): the client's fault, and
    # the same for every upload endpoint, so it is answered here once.
    return problem_response(
        request, 400, _("The multipart/form-data body could not be read: %(reason)s")
        % {"reason": exc}
    )


@api.exception_handler(SuspiciousOperation)
def _bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too many fields, a body over the size limit and the like: Django's own 400s.
    return problem_response(request, 400, str(exc) or None)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Anything not handled above is a bug: keep its traceback in the log, and answer with a
    # problem document like every other error rather than Django's HTML page.
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return problem_response(
        request, 500, _("Something went wrong on our side; it has been logged.")
    )


def _summary(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('field') or 'request'}: {e['reason']}" for e in errors[:5])


def _mount_app_routers() -> None:
    for module in app_modules("api"):
        api.add_router("/", module.router)


_mount_app_routers()
