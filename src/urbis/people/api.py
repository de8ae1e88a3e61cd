
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from urbis.pagination import Pagination
from urbis.people.models import Organisation

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
