"""What the strategy API reads and returns: the request and response schemas of
``urbis.strategy.api`` (no ``from __future__ import annotations``: django-ninja reads the
annotations at import)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from urbis.patch import PatchSchema
from urbis.strategy.models import (
    ActionStatus,
    Direction,
    Horizon,
    PartnerRole,
    TargetKind,
    TargetStatus,
    ThemeKind,
)


class ThemeOut(Schema):
    id: int
    kind: str
    name: str
    description: str


class StrategyOut(Schema):
    city: str
    slug: str
    title: str
    vision: str
    adopted_on: dt.date | None
    start_year: int
    end_year: int
    source: str
    is_published: bool
    themes: list[ThemeOut]
    url: str


class StrategyIn(Schema):
    title: str
    slug: str = Field("", pattern=r"^[-a-z0-9]{0,100}$")
    vision: str = ""
    adopted_on: dt.date | None = None
    start_year: int = Field(..., ge=1900, le=2100)
    end_year: int = Field(..., ge=1900, le=2100)
    source: str = ""
    is_published: bool = False


class StrategyPatch(PatchSchema):
    nullable = frozenset({"adopted_on"})
    title: str | None = None
    vision: str | None = None
    adopted_on: dt.date | None = None
    start_year: int | None = Field(None, ge=1900, le=2100)
    end_year: int | None = Field(None, ge=1900, le=2100)
    source: str | None = None
    is_published: bool | None = None


class ThemeIn(Schema):
    name: str
    kind: ThemeKind
    description: str = ""
    order: int = Field(0, ge=0, le=32767, description="position among the themes")


class StatusOut(Schema):
    status: TargetStatus
    status_label: str
    reason: str
    percent: float | None = None
    latest: dict[str, float] | None = None


class TargetOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    theme: int | None
    indicator: str | None
    unit: str
    area: str | None
    baseline_value: float | None
    baseline_year: int | None
    target_value: float | None
    target_year: int | None
    direction: str
    departments: list[str]
    source: str
    status: StatusOut
    url: str


class TargetIn(Schema):
    title: str
    description: str = ""
    kind: TargetKind = TargetKind.QUANTITATIVE
    theme: int | None = None
    indicator: str | None = Field(None, description="indicator code (catalogue or city's own)")
    area: str | None = Field(None, description="area code; empty for the whole city")
    baseline_value: float | None = None
    baseline_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    direction: Direction | None = None
    qualitative_status: TargetStatus | None = None
    departments: list[str] | None = Field(None, description="organisation slugs")
    source: str = ""


class TargetPatch(PatchSchema):
    nullable = frozenset({
        "theme", "indicator", "area", "baseline_value", "baseline_year", "target_value",
        "target_year", "qualitative_status",
    })
    title: str | None = None
    description: str | None = None
    kind: TargetKind | None = None
    theme: int | None = None
    indicator: str | None = None
    area: str | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    direction: Direction | None = None
    qualitative_status: TargetStatus | None = None
    departments: list[str] | None = None
    source: str | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    done_on: dt.date | None
    late: bool


class MilestoneIn(Schema):
    title: str
    due_date: dt.date
    done_on: dt.date | None = None


class MilestonePatch(PatchSchema):
    nullable = frozenset({"done_on"})
    title: str | None = None
    due_date: dt.date | None = None
    done_on: dt.date | None = None


class FundingIO(Schema):
    kind: str
    amount: Decimal | None = None
    note: str = ""


class ImpactIO(Schema):
    target: int
    description: str = ""


class ProgressOut(Schema):
    status: str
    status_label: str
    milestones_done: int
    milestones_total: int
    late_milestones: list[dict[str, str]]
    late: bool
    percent: float | None


class PartnerIO(Schema):
    organisation: str = Field(description="organisation slug")
    role: PartnerRole = PartnerRole.PARTNER
    agreement: str = Field("", description="the PPP agreement's reference or link")


FLAG_SOURCE = ("'derived' from the data (see the basis) or 'override': set by hand by the "
               "city in is_ppp / is_citizen_driven")


class ActionOut(Schema):
    id: int
    title: str
    description: str
    theme: int | None
    is_technological: bool
    horizon: str
    status: str
    responsible_department: str | None
    partners: list[str]
    partnerships: list[PartnerIO]
    ppp: bool = Field(description="public-private partnership, as in force")
    ppp_source: Literal["derived", "override"] = Field(description=FLAG_SOURCE)
    ppp_basis: str = Field(description="what the value was derived from")
    citizen_driven: bool = Field(description="citizen-driven, as in force")
    citizen_driven_source: Literal["derived", "override"] = Field(description=FLAG_SOURCE)
    citizen_driven_basis: str = Field(description="what the value was derived from")
    citizen_ideas: list[str] = Field(description="addresses of the accepted ideas behind it")
    is_ppp: bool | None = Field(description="the city's hand-set override; null = derived")
    is_citizen_driven: bool | None = Field(
        description="the city's hand-set override; null = derived")
    budget: Decimal | None
    currency: str
    funding: list[FundingIO]
    impacts: list[ImpactIO]
    start_date: dt.date | None
    end_date: dt.date | None
    depends_on: list[int]
    milestones: list[MilestoneOut]
    progress: ProgressOut
    url: str


class ActionIn(Schema):
    title: str
    description: str = ""
    theme: int | None = None
    is_technological: bool = False
    horizon: Horizon = Horizon.MEDIUM
    status: ActionStatus = ActionStatus.PLANNED
    responsible_department: str | None = Field(None, description="organisation slug")
    partners: list[str | PartnerIO] = Field(
        [], description="organisation slugs (partners), or objects with a role: 'ppp' for a "
        "private company under a PPP agreement")
    is_ppp: bool | None = Field(None, description="hand-set override; null = derive from data")
    is_citizen_driven: bool | None = Field(
        None, description="hand-set override; null = derive from data")
    budget: Decimal | None = None
    currency: str = "EUR"
    funding: list[FundingIO] = []
    impacts: list[ImpactIO] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    depends_on: list[int] = []


class ActionPatch(PatchSchema):
    nullable = frozenset({"theme", "responsible_department", "budget", "start_date", "end_date",
                          "is_ppp", "is_citizen_driven"})
    title: str | None = None
    description: str | None = None
    theme: int | None = None
    is_technological: bool | None = None
    horizon: Horizon | None = None
    status: ActionStatus | None = None
    responsible_department: str | None = None
    partners: list[str | PartnerIO] | None = None
    is_ppp: bool | None = Field(None, description="null clears the override (derive again)")
    is_citizen_driven: bool | None = Field(
        None, description="null clears the override (derive again)")
    budget: Decimal | None = None
    currency: str | None = None
    funding: list[FundingIO] | None = None
    impacts: list[ImpactIO] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    depends_on: list[int] | None = None


class ActionFilters(Schema):
    theme: int | None = None
    status: ActionStatus | None = None
    horizon: Horizon | None = None
    department: str | None = Field(None, description="organisation slug")
    ppp: bool | None = None
    citizen: bool | None = None


class ChangeOut(Schema):
    field: str
    old_value: str
    new_value: str
    changed_by: str | None
    changed_at: dt.datetime


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    definition: str
    direction: str
    theme: str
    framework: str
    reference: str
    per_capita: bool
    per_capita_unit: str
    city: str | None


class IndicatorFilters(Schema):
    theme: ThemeKind | None = None
    framework: str | None = None
    city: str | None = Field(None, description="also list this city's own indicators")


class IndicatorIn(Schema):
    code: str
    name: str
    unit: str
    direction: Direction
    theme: ThemeKind
    definition: str = ""
    per_capita: bool = False


class ObservationOut(Schema):
    indicator: str
    area: str | None
    date: dt.date
    value: float
    source: str


class ObservationIn(Schema):
    indicator: str
    area_code: str = ""
    date: str = Field(..., description="YYYY-MM-DD, or YYYY for an annual figure")
    value: float
    source: str = ""


class ObservationFilters(Schema):
    indicator: str | None = None
    area: str | None = None


class UploadOut(Schema):
    stored: int


class ReportIn(Schema):
    title: str = ""
    period_start: dt.date
    period_end: dt.date


class ReportOut(Schema):
    id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    published_at: dt.datetime
    content: dict[str, Any]
    url: str


class CompareRow(Schema):
    city: str
    year: int
    value: float
    per_capita: float | None
    population: int | None
    sources: list[str]
    series: list[dict[str, Any]]


class CompareOut(Schema):
    indicator: IndicatorOut
    rows: list[CompareRow]


class NetworkCity(Schema):
    city: str
    qualifies: bool
    actions: int
    ppp: int
    citizen: int


class NetworkOut(Schema):
    cities_with_strategy: int
    cities_qualifying: int
    actions_total: int
    actions_ppp: int
    actions_citizen: int
    share_ppp: float | None
    share_citizen: float | None
    medium_term_years: int
    cities: list[NetworkCity]
