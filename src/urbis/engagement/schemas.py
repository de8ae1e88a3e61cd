"""What the engagement API reads and returns: the request and response schemas of
``urbis.engagement.api`` (no ``from __future__ import annotations``: django-ninja reads the
annotations at import)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from urbis.api_types import DbInt, Instant


class ProcessOut(Schema):
    slug: str
    title: str
    theme: str
    description_html: str
    phases: list[str]
    collecting_starts: dt.datetime
    collecting_ends: dt.datetime
    voting_starts: dt.datetime
    voting_ends: dt.datetime
    closes: dt.datetime
    vote_cap: int | None
    support_threshold: int | None
    url: str


class ProcessIn(Schema):
    slug: str = Field(..., pattern=r"^[-a-z0-9]{2,80}$")
    title: str
    theme: str = ""
    description: str = ""
    collecting_starts: Instant
    collecting_ends: Instant
    voting_starts: Instant
    voting_ends: Instant
    closes: Instant
    vote_cap: DbInt | None = None
    support_threshold: DbInt | None = None


class IdeaOut(Schema):
    id: int
    process: str
    kind: str
    title: str
    body_html: str
    category: str
    area: str | None
    latitude: float | None
    longitude: float | None
    author: str
    status: str
    status_reason: str
    duplicate_of: int | None
    official_answer_html: str
    answered_at: dt.datetime | None
    votes: int
    fair_score: float | None = None
    created_at: dt.datetime
    url: str
    actions: list[int] = []


class IdeaIn(Schema):
    title: str = Field(..., max_length=500)
    body: str = Field(..., max_length=20_000)
    category: str
    kind: str = "proposal"
    area: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    organisation: str | None = None


class IdeaEditIn(Schema):
    title: str = Field(..., max_length=500)
    body: str = Field(..., max_length=20_000)
    category: str


class IdeaFilters(Schema):
    sort: str = "most_requested"
    status: str | None = None
    category: str | None = None
    kind: str | None = None
    area: str | None = None
    search: str | None = Field(None, max_length=200)


class VoteOut(Schema):
    idea: int
    votes: int
    voted: bool


class CommentIn(Schema):
    body: str = Field(..., max_length=20_000)
    parent: int | None = None


class CommentOut(Schema):
    id: int
    parent: int | None
    author: str
    body_html: str
    is_official: bool
    hidden: bool
    created_at: dt.datetime


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2_000)


class StatusIn(Schema):
    status: str
    reason: str = Field("", max_length=2_000)


class AnswerIn(Schema):
    text: str = Field(..., max_length=20_000)


class MergeIn(Schema):
    into: int


class HideIn(Schema):
    reason: str = Field("", max_length=2_000)
    hidden: bool = True


class LinkIn(Schema):
    action: int
    unlink: bool = False


class EventOut(Schema):
    kind: str
    summary: str = Field(description="what happened, in the language of the request")
    details: dict[str, Any] = Field(
        description="what happened as codes and values (e.g. old and new status); empty for "
                    "records kept only as text")
    actor: str | None
    created_at: dt.datetime


class NotificationOut(Schema):
    id: int
    text: str = Field(description="the notification, in the language of the request")
    code: str = Field(description="what happened, as a code; empty for rows kept only as text")
    params: dict[str, Any] = Field(description="the values the text is worded from")
    url: str
    created_at: dt.datetime
    read: bool


class WorkshopOut(Schema):
    id: int
    process: str
    title: str
    agenda_html: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_url: str
    capacity: int
    confirmed: int
    url: str


class RegistrationOut(Schema):
    workshop: int
    status: str


class ConceptIn(Schema):
    rating: int
    comment: str = Field("", max_length=20_000)


class TaskResultIn(Schema):
    task: int
    success: bool
    seconds: float


class UsabilityIn(Schema):
    results: list[TaskResultIn]
    sus_answers: list[int]
    comment: str = Field("", max_length=20_000)


class WorkshopIn(Schema):
    process: str
    title: str
    starts_at: Instant
    ends_at: Instant
    capacity: DbInt
    agenda: str = Field("", max_length=20_000)
    place: str = ""
    online_url: str = ""


class StudyIn(Schema):
    kind: str
    title: str
    opens: dt.datetime
    closes: dt.datetime
    description: str = Field("", max_length=20_000)
    tasks: list[str] = []
    process: str | None = None


class StudyOut(Schema):
    id: int
    kind: str
    title: str
    description_html: str
    opens: dt.datetime
    closes: dt.datetime
    tasks: list[dict[str, Any]]
    url: str
