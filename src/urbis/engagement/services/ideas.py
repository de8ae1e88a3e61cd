"""Submitting and editing ideas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from urbis.engagement import notices, ratelimits, uploads
from urbis.engagement.models import (
    Attachment,
    Category,
    Follow,
    Idea,
    IdeaKind,
    Process,
    Workshop,
)
from urbis.engagement.queries import is_editable
from urbis.engagement.services.common import (
    _lock_idea,
    _require_signed_in,
    _title_and_body,
)
from urbis.engagement.services.notifications import notify
from urbis.engagement.text import render_markdown
from urbis.people.models import Organisation
from urbis.people.permissions import Action, require
from urbis.places.models import Area


def submit_idea(
    *,
    by: Any,
    process: Process,
    title: str,
    body: str,
    category: str,
    kind: str = IdeaKind.PROPOSAL,
    area: Area | str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    organisation: Organisation | str | None = None,
    files: Sequence[tuple[IO[bytes], str]] = (),
    ip: str | None = None,
    workshop: Workshop | None = None,
    is_illustrative: bool = False,
) -> Idea:
    """A participant's idea. ``files`` are (stream, original name) pairs; all are checked
    before anything is stored. ``is_illustrative``: made from an illustrative demo record, so
    labelled so on its page."""
    _require_signed_in(by)
    city = process.city
    require(by, Action.PARTICIPATE, city)
    if not process.is_published:
        raise PermissionDenied(_("This process is not open to the public."))
    if workshop is None and not process.is_collecting:
        raise ValidationError({"process": _("This process is not collecting ideas now.")})
    ratelimits.hit("idea", user=by, ip=ip)

    errors: dict[str, str] = {}
    title, body = _title_and_body(title, body, errors)
    if category not in Category.values:
        errors["category"] = f"Unknown category {category!r}."
    if kind not in IdeaKind.values:
        errors["kind"] = f"Unknown kind {kind!r}."
    the_area = None
    if isinstance(area, Area):
        the_area = area if area.city_id == city.pk else None
        if the_area is None:
            errors["area"] = _("This neighbourhood is in another city.")
    elif area:
        the_area = Area.objects.filter(city=city, code=area).first()
        if the_area is None:
            errors["area"] = f"No area {area!r} in {city.name}."
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    elif latitude is not None and longitude is not None:
        bbox = city.bbox
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            errors["latitude"] = _("Not a point on Earth.")
        elif bbox and not (bbox[1] <= latitude <= bbox[3] and bbox[0] <= longitude <= bbox[2]):
            errors["latitude"] = f"The point is outside {city.name}."
    the_org = None
    if organisation:
        slug = organisation.slug if isinstance(organisation, Organisation) else organisation
        the_org = Organisation.objects.filter(slug=slug, members=by).first()
        if the_org is None:
            errors["organisation"] = _(
                "You can only post on behalf of an organisation you belong to."
            )
    if len(files) > uploads.MAX_FILES_PER_IDEA:
        errors["attachments"] = f"At most {uploads.MAX_FILES_PER_IDEA} files."
    if errors:
        raise ValidationError(errors)
    checked = [uploads.check(stream, name) for stream, name in files]
    if checked:
        ratelimits.hit("upload", user=by, ip=None)

    with transaction.atomic():
        idea = Idea.objects.create(
            process=process,
            kind=kind,
            title=title,
            body=body,
            body_html=render_markdown(body),
            category=category,
            area=the_area,
            latitude=latitude,
            longitude=longitude,
            author=by,
            organisation=the_org,
            workshop=workshop,
            is_illustrative=is_illustrative,
        )
        for item in checked:
            Attachment.objects.create(
                idea=idea,
                file=item.content,
                kind=item.kind,
                content_type=item.content_type,
                original_name=item.original_name,
                size=item.size,
                uploaded_by=by,
            )
        Follow.objects.get_or_create(user=by, idea=idea)
        followers = [f.user for f in Follow.objects.filter(process=process).select_related("user")]
        notify(
            followers, notices.NEW_IDEA, {"process": process.title, "title": title},
            idea.get_absolute_url(),
            exclude=by,
        )
    return idea


def edit_idea(*, by: Any, idea: Idea, title: str, body: str, category: str) -> Idea:
    """The author may correct an idea while it is new and nobody has supported it yet, so no
    one's vote ends up on a text they did not see."""
    _require_signed_in(by)
    if idea.author_id != by.pk:
        raise PermissionDenied(_("Only the author may edit an idea."))
    errors: dict[str, str] = {}
    title, body = _title_and_body(title, body, errors)
    if category not in Category.values:
        errors["category"] = _("Unknown category.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_idea(idea)
        if not is_editable(locked):
            raise ValidationError(
                {"idea": _("An idea can only be edited while it is new and has no votes.")}
            )
        locked.title, locked.body, locked.category = title, body, category
        locked.body_html = render_markdown(body)
        locked.save(update_fields=["title", "body", "body_html", "category", "updated_at"])
    return locked
