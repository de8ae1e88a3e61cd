"""Studies: concept tests and usability sessions (scored with SUS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement import uploads
from urbis.engagement.models import (
    Attachment,
    ConceptResponse,
    Process,
    Study,
    TaskResult,
    UsabilitySession,
    UsabilityTask,
)
from urbis.engagement.services.common import COMMENT_MAX, _at_most, _plain_field, _require_signed_in
from urbis.engagement.text import plain, render_markdown
from urbis.engines.survey import sus
from urbis.people.permissions import Action, require, require_unless_platform
from urbis.places.models import City


def create_study(
    *,
    by: Any,
    city: City,
    kind: str,
    title: str,
    opens: dt.datetime,
    closes: dt.datetime,
    description: str = "",
    tasks: Sequence[str] = (),
    process: Process | None = None,
    is_published: bool = True,
) -> Study:
    require_unless_platform(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if kind not in Study.Kind.values:
        errors["kind"] = f"Unknown kind {kind!r}."
    if closes <= opens:
        errors["closes"] = _("A study closes after it opens.")
    if kind == Study.Kind.USABILITY and not tasks:
        errors["tasks"] = _("A usability study needs at least one task.")
    if any(not t.strip() or len(t) > 500 for t in tasks):
        errors["tasks"] = _("Every task needs a description of at most 500 characters.")
    if process is not None and process.city_id != city.pk:
        errors["process"] = _("That process belongs to another city.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        study = Study.objects.create(
            city=city, process=process, kind=kind,
            title=_plain_field(title, "title", 3, 200),
            description=description[:10_000],
            description_html=render_markdown(description[:10_000]),
            opens=opens, closes=closes, is_published=is_published,
        )
        UsabilityTask.objects.bulk_create(
            [UsabilityTask(study=study, order=n, description=plain(t))
             for n, t in enumerate(tasks, start=1)]
        )
    return study


def add_study_document(*, by: Any, study: Study, stream: IO[bytes], name: str) -> Attachment:
    require(by, Action.EDIT, study.city)
    item = uploads.check(stream, name, field="file")
    with transaction.atomic():
        return Attachment.objects.create(
            study=study, file=item.content, kind=item.kind, content_type=item.content_type,
            original_name=item.original_name, size=item.size, uploaded_by=by,
        )


def _require_open_study(by: Any, study: Study, kind: str) -> None:
    _require_signed_in(by)
    require(by, Action.PARTICIPATE, study.city)
    if study.kind != kind:
        raise ValidationError({"study": _("This study does not take that kind of answer.")})
    if not study.is_published or not study.is_open:
        raise ValidationError({"study": _("This study is not open.")})


def respond_to_concept(*, by: Any, study: Study, rating: int, comment: str = "") -> ConceptResponse:
    _require_open_study(by, study, Study.Kind.CONCEPT)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("A rating from 1 to 5.")})
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _at_most(COMMENT_MAX)})
    try:
        with transaction.atomic():
            return ConceptResponse.objects.create(
                study=study, participant=by, rating=rating, comment=plain(comment)
            )
    except IntegrityError:
        raise ValidationError({"study": _("You have already answered this study.")}) from None


def _sus_refusal(exc: sus.SusAnswerError) -> str:
    """The engine's refusal of SUS answers in the reader's language."""
    if exc.code == "count":
        given = exc.value if isinstance(exc.value, int) else 0
        return ngettext("The questionnaire has %(items)d items; %(n)d answer was given.",
                        "The questionnaire has %(items)d items; %(n)d answers were given.",
                        given) % {"items": sus.ITEMS, "n": given}
    if exc.code == "not_whole":
        return _("Item %(item)d: not a whole number (%(value)s).") % {"item": exc.item,
                                                                     "value": exc.value}
    return _("Item %(item)d: answer from 1 to 5, not %(value)s.") % {"item": exc.item,
                                                                    "value": exc.value}


def submit_usability_session(
    *,
    by: Any,
    study: Study,
    results: Sequence[tuple[int, bool, float]],
    sus_answers: Sequence[int],
    comment: str = "",
) -> UsabilitySession:
    """One run: (task id, completed?, seconds) per task of the study, and the ten SUS answers."""
    _require_open_study(by, study, Study.Kind.USABILITY)
    try:
        score = sus.score(sus_answers)
    except sus.SusAnswerError as exc:
        field = f"sus_answers.{exc.item}" if exc.item else "sus_answers"
        raise ValidationError({field: _sus_refusal(exc)}) from None
    tasks = {t.pk: t for t in study.tasks.all()}
    seen: set[int] = set()
    errors: dict[str, str] = {}
    for n, (task_id, _ok, seconds) in enumerate(results, start=1):
        if task_id not in tasks:
            errors[f"results.{n}.task"] = f"No task {task_id} in this study."
        elif task_id in seen:
            errors[f"results.{n}.task"] = f"Task {task_id} is given twice."
        if not isinstance(seconds, int | float) or not 0 <= seconds <= 24 * 3600:
            errors[f"results.{n}.seconds"] = "Seconds from 0 to 86400."
        seen.add(task_id)
    if set(tasks) - seen:
        errors["results"] = _("Give a result for every task.")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _at_most(COMMENT_MAX)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            session = UsabilitySession.objects.create(
                study=study, participant=by, sus_answers=list(sus_answers), sus_score=score,
                comment=plain(comment),
            )
            TaskResult.objects.bulk_create(
                [TaskResult(session=session, task=tasks[t], success=bool(ok), seconds=float(s))
                 for t, ok, s in results]
            )
    except IntegrityError:
        raise ValidationError({"study": _("You have already taken part in this study.")}) from None
    return session
