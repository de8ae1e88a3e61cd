
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from urbis.pagination import Pagination
from urbis.people import services
from urbis.people.api_auth import write_auth
from urbis.people.models import Organisation, User

router = Router(tags=["people"])


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    city: str | None
    website: str


class OrganisationFilters(Schema):
    kind: Organisation.Kind | None = None
    city: str | None = None
    search: str | None = None


@router.get("/organisations", response=list[OrganisationOut], summary="List organisations")
@paginate(Pagination)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> list[dict[str, Any]]:
    organisations = Organisation.objects.select_related("city").filter(
        city__is_published=True
    ) | Organisation.objects.select_related("city").filter(city__isnull=True)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.city:
        organisations = organisations.filter(city__code=filters.city)
    if filters.search:
        organisations = organisations.filter(name__icontains=filters.search)
    return [
        {
            "slug": o.slug,
            "name": o.name,
            "kind": o.kind,
            "city": o.city.code if o.city else None,
            "website": o.website,
        }
        # The city is joined for its code only, never its boundary (a large GeoJSON).
        for o in organisations.defer("city__boundary").order_by("name")
    ]


class MeOut(Schema):
    email: str
    display_name: str
    language: str


class MeIn(Schema):
    language: str


def _me(user: User) -> dict[str, Any]:
    return {"email": user.email, "display_name": user.display_name, "language": user.language}


@router.get("/me", response=MeOut, auth=write_auth, summary="Your account")
def me(request: HttpRequest) -> dict[str, Any]:
    return _me(request.user)  # type: ignore[arg-type]


@router.patch(
    "/me", response=MeOut, auth=write_auth,
    summary="Set your preferred language (a code of the site's languages; empty: the browser's)",
)
def update_me(request: HttpRequest, payload: MeIn) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    return _me(services.set_language(by=user, user=user, language=payload.language))
