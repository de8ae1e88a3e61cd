"""The strategy API: a thin django-ninja router over the strategy services and queries; its
schemas are in ``urbis.strategy.schemas``."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from urbis.pagination import Pagination
from urbis.people.api_auth import write_auth
from urbis.people.models import Organisation
from urbis.places.models import Area
from urbis.places.queries import get_city
from urbis.strategy import queries, services
from urbis.strategy.models import (
    Action,
    Indicator,
    Milestone,
    ProgressReport,
    Strategy,
    Target,
)
from urbis.strategy.schemas import (
    ActionFilters,
    ActionIn,
    ActionOut,
    ActionPatch,
    ChangeOut,
    CompareOut,
    IndicatorFilters,
    IndicatorIn,
    IndicatorOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    NetworkOut,
    ObservationFilters,
    ObservationIn,
    ObservationOut,
    ReportIn,
    ReportOut,
    StatusOut,
    StrategyIn,
    StrategyOut,
    StrategyPatch,
    TargetIn,
    TargetOut,
    TargetPatch,
    ThemeIn,
    ThemeOut,
    UploadOut,
)

router = Router(tags=["strategy"])


def _url(request: HttpRequest, obj: Any) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())


def _strategy_out(request: HttpRequest, strategy: Strategy) -> dict[str, Any]:
    return {
        "city": strategy.city.code, "slug": strategy.slug, "title": strategy.title,
        "vision": strategy.vision, "adopted_on": strategy.adopted_on,
        "start_year": strategy.start_year, "end_year": strategy.end_year,
        "source": strategy.source, "is_published": strategy.is_published,
        "themes": [
            {"id": t.pk, "kind": t.kind, "name": t.name, "description": t.description}
            for t in strategy.themes.all()
        ],
        "url": _url(request, strategy),
    }


def _target_out(request: HttpRequest, target: Target) -> dict[str, Any]:
    status = queries.target_status(target, user=request.user)
    return {
        "id": target.pk, "title": target.title, "description": target.description,
        "kind": target.kind, "theme": target.theme_id,
        "indicator": target.indicator.code if target.indicator else None,
        "unit": target.indicator.unit if target.indicator else "",
        "area": target.area.code if target.area else None,
        "baseline_value": target.baseline_value, "baseline_year": target.baseline_year,
        "target_value": target.target_value, "target_year": target.target_year,
        "direction": target.direction,
        "departments": [d.slug for d in target.departments.all()],
        "source": target.source,
        "status": {k: status.get(k) for k in StatusOut.model_fields},
        "url": _url(request, target),
    }


def _action_out(request: HttpRequest, action: Action) -> dict[str, Any]:
    progress = queries.action_progress(action)
    today = queries.today()
    flags = queries.action_flags(action)
    return {
        "id": action.pk, "title": action.title, "description": action.description,
        "theme": action.theme_id, "is_technological": action.is_technological,
        "horizon": action.horizon, "status": action.status,
        "responsible_department": action.responsible_department.slug
        if action.responsible_department else None,
        "partners": [p.slug for p in action.partners.all()],
        "partnerships": [{"organisation": link.organisation.slug, "role": link.role,
                          "agreement": link.agreement}
                         for link in action.partner_links.select_related("organisation")],
        "ppp": flags["ppp"]["value"], "ppp_source": flags["ppp"]["source"],
        "ppp_basis": flags["ppp"]["basis"],
        "citizen_driven": flags["citizen_driven"]["value"],
        "citizen_driven_source": flags["citizen_driven"]["source"],
        "citizen_driven_basis": flags["citizen_driven"]["basis"],
        "citizen_ideas": [_url(request, i)
                          for i in flags["citizen_driven"]["ideas"]],
        "is_ppp": action.is_ppp, "is_citizen_driven": action.is_citizen_driven,
        "budget": action.budget, "currency": action.currency,
        "funding": [{"kind": f.kind, "amount": f.amount, "note": f.note}
                    for f in action.funding.all()],
        "impacts": [{"target": i.target_id, "description": i.description}
                    for i in action.impacts.all()],
        "start_date": action.start_date, "end_date": action.end_date,
        "depends_on": [a.pk for a in action.depends_on.all()],
        "milestones": [_milestone_out(m, today) for m in action.milestones.all()],
        "progress": progress,
        "url": _url(request, action),
    }


def _milestone_out(milestone: Milestone, today: dt.date) -> dict[str, Any]:
    return {
        "id": milestone.pk, "title": milestone.title, "due_date": milestone.due_date,
        "done_on": milestone.done_on,
        "late": milestone.done_on is None and milestone.due_date < today,
    }


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code, "name": indicator.name, "unit": indicator.unit,
        "definition": indicator.definition, "direction": indicator.direction,
        "theme": indicator.theme, "framework": indicator.framework,
        "reference": indicator.reference, "per_capita": indicator.per_capita,
        "per_capita_unit": indicator.per_capita_unit,
        "city": indicator.city.code if indicator.city else None,
    }


def _report_out(request: HttpRequest, report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk, "title": report.title, "period_start": report.period_start,
        "period_end": report.period_end, "published_at": report.published_at,
        "content": report.content, "url": _url(request, report),
    }


def _strategy(request: HttpRequest, code: str, slug: str) -> Strategy:
    city = get_city(code, request.user)
    return queries.get_strategy(city, slug, request.user)


def _org(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise ValidationError({"organisation": _("No organisation %(slug)r.") % {"slug": slug}})
    return org


def _target_fields(strategy: Strategy, data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    if "theme" in fields:
        fields["theme_id"] = fields.pop("theme")
    if "indicator" in fields:
        code = fields.pop("indicator")
        indicator = None
        if code:
            indicator = services.indicators_for(strategy.city).filter(code=code).first()
            if indicator is None:
                raise ValidationError({"indicator": _("No indicator %(code)r for this city.")
                                                    % {"code": code}})
        fields["indicator"] = indicator
    if "area" in fields:
        code = fields.pop("area")
        area = None
        if code:
            area = Area.objects.filter(city=strategy.city, code=code).first()
            if area is None:
                raise ValidationError({"area": _("No area %(code)r in %(city)s.")
                                               % {"code": code, "city": strategy.city.name}})
        fields["area"] = area
    if fields.get("direction") is None:
        fields.pop("direction", None)
    if "qualitative_status" in fields:
        fields["qualitative_status"] = fields["qualitative_status"] or ""
    return fields


def _action_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    if "theme" in fields:
        fields["theme_id"] = fields.pop("theme")
    if "responsible_department" in fields:
        fields["responsible_department"] = _org(fields["responsible_department"])
    if "partners" in fields and fields["partners"] is not None:
        fields["partners"] = [
            _org(p) if isinstance(p, str) else {**p, "organisation": _org(p["organisation"])}
            for p in fields["partners"]
        ]
    for key in ("funding", "impacts"):
        if key in fields and fields[key] is not None:
            fields[key] = [dict(item) for item in fields[key]]
    return fields


@router.get("/strategies", response=list[StrategyOut], summary="Published strategies")
@paginate(Pagination)
def strategy_list(request: HttpRequest, city: str | None = None) -> list[dict[str, Any]]:
    rows = queries.visible_strategies(request.user).prefetch_related("themes")
    if city:
        rows = rows.filter(city__code=city)
    return [_strategy_out(request, s) for s in rows]


@router.post("/cities/{code}/strategies", response={201: StrategyOut}, auth=write_auth,
             summary="Write a strategy (city editors; publishing needs an administrator)")
def strategy_create(request: HttpRequest, code: str, payload: StrategyIn) -> Any:
    city = get_city(code, request.user)
    strategy = services.save_strategy(by=request.user, city=city, **payload.dict())
    return Status(201, _strategy_out(request, strategy))


@router.get("/cities/{code}/strategies/{slug}", response=StrategyOut, summary="One strategy")
def strategy_get(request: HttpRequest, code: str, slug: str) -> dict[str, Any]:
    return _strategy_out(request, _strategy(request, code, slug))


@router.patch("/cities/{code}/strategies/{slug}", response=StrategyOut, auth=write_auth,
              summary="Change a strategy")
def strategy_update(request: HttpRequest, code: str, slug: str, payload: StrategyPatch) -> Any:
    strategy = _strategy(request, code, slug)
    strategy = services.save_strategy(by=request.user, city=strategy.city, strategy=strategy,
                                      **payload.dict(exclude_unset=True))
    return _strategy_out(request, strategy)


@router.post("/cities/{code}/strategies/{slug}/themes", response={201: ThemeOut},
             auth=write_auth, summary="Add a theme")
def theme_create(request: HttpRequest, code: str, slug: str, payload: ThemeIn) -> Any:
    strategy = _strategy(request, code, slug)
    theme = services.save_theme(by=request.user, strategy=strategy, **payload.dict())
    return Status(201, {"id": theme.pk, "kind": theme.kind, "name": theme.name,
                        "description": theme.description})


@router.get("/cities/{code}/strategies/{slug}/history", response=list[ChangeOut],
            summary="Change history of a strategy")
def strategy_history(request: HttpRequest, code: str, slug: str) -> list[dict[str, Any]]:
    strategy = _strategy(request, code, slug)
    return _changes("strategy", strategy.pk)


def _changes(model: str, pk: int) -> list[dict[str, Any]]:
    return [
        {"field": c.field, "old_value": c.old_value, "new_value": c.new_value,
         "changed_by": str(c.changed_by) if c.changed_by else None, "changed_at": c.changed_at}
        for c in queries.history(model, pk)
    ]


@router.get("/cities/{code}/strategies/{slug}/targets", response=list[TargetOut],
            summary="Targets with their status")
def target_list(request: HttpRequest, code: str, slug: str) -> list[dict[str, Any]]:
    strategy = _strategy(request, code, slug)
    return [
        _target_out(request, t)
        for t in strategy.targets.select_related("indicator", "area", "strategy__city").defer(
            *queries.HEAVY, *queries.HEAVY_AREA
        )
    ]


@router.post("/cities/{code}/strategies/{slug}/targets", response={201: TargetOut},
             auth=write_auth, summary="Add a target (city editors)")
def target_create(request: HttpRequest, code: str, slug: str, payload: TargetIn) -> Any:
    strategy = _strategy(request, code, slug)
    target = services.save_target(by=request.user, strategy=strategy,
                                  **_target_fields(strategy, payload.dict()))
    return Status(201, _target_out(request, target))


@router.get("/cities/{code}/strategies/{slug}/targets/{target_id}", response=TargetOut,
            summary="One target, with its status and how it was decided")
def target_get(request: HttpRequest, code: str, slug: str, target_id: int) -> dict[str, Any]:
    strategy = _strategy(request, code, slug)
    return _target_out(request, queries.get_target(strategy, target_id))


@router.patch("/cities/{code}/strategies/{slug}/targets/{target_id}", response=TargetOut,
              auth=write_auth, summary="Change a target (recorded in its history)")
def target_update(
    request: HttpRequest, code: str, slug: str, target_id: int, payload: TargetPatch
) -> Any:
    strategy = _strategy(request, code, slug)
    target = queries.get_target(strategy, target_id)
    target = services.save_target(
        by=request.user, strategy=strategy, target=target,
        **_target_fields(strategy, payload.dict(exclude_unset=True)),
    )
    return _target_out(request, target)


@router.get("/cities/{code}/strategies/{slug}/targets/{target_id}/history",
            response=list[ChangeOut], summary="Who changed what on a target, and when")
def target_history(request: HttpRequest, code: str, slug: str, target_id: int) -> Any:
    strategy = _strategy(request, code, slug)
    return _changes("target", queries.get_target(strategy, target_id).pk)


@router.get("/cities/{code}/strategies/{slug}/actions", response=list[ActionOut],
            summary="Actions of a strategy",
            description="Filters: theme (id), status, horizon, department (organisation slug), "
            "ppp, citizen (true/false).")
@paginate(Pagination)
def action_list(
    request: HttpRequest, code: str, slug: str, filters: Query[ActionFilters]
) -> list[dict[str, Any]]:
    strategy = _strategy(request, code, slug)
    wanted = filters.dict()
    for key in ("ppp", "citizen"):
        if wanted[key] is not None:
            wanted[key] = "yes" if wanted[key] else "no"
    return [_action_out(request, a) for a in queries.actions(strategy, wanted)]


@router.post("/cities/{code}/strategies/{slug}/actions", response={201: ActionOut},
             auth=write_auth, summary="Add an action (city editors)")
def action_create(request: HttpRequest, code: str, slug: str, payload: ActionIn) -> Any:
    strategy = _strategy(request, code, slug)
    action = services.save_action(by=request.user, strategy=strategy,
                                  **_action_fields(payload.dict()))
    return Status(201, _action_out(request, action))


@router.get("/cities/{code}/strategies/{slug}/actions/{action_id}", response=ActionOut,
            summary="One action with its milestones and progress")
def action_get(request: HttpRequest, code: str, slug: str, action_id: int) -> dict[str, Any]:
    strategy = _strategy(request, code, slug)
    return _action_out(request, queries.get_action(strategy, action_id))


@router.patch("/cities/{code}/strategies/{slug}/actions/{action_id}", response=ActionOut,
              auth=write_auth, summary="Change an action (recorded in its history)")
def action_update(
    request: HttpRequest, code: str, slug: str, action_id: int, payload: ActionPatch
) -> Any:
    strategy = _strategy(request, code, slug)
    action = queries.get_action(strategy, action_id)
    action = services.save_action(by=request.user, strategy=strategy, action=action,
                                  **_action_fields(payload.dict(exclude_unset=True)))
    return _action_out(request, action)


@router.get("/cities/{code}/strategies/{slug}/actions/{action_id}/history",
            response=list[ChangeOut], summary="Who changed what on an action, and when")
def action_history(request: HttpRequest, code: str, slug: str, action_id: int) -> Any:
    strategy = _strategy(request, code, slug)
    return _changes("action", queries.get_action(strategy, action_id).pk)


@router.post("/cities/{code}/strategies/{slug}/actions/{action_id}/milestones",
             response={201: MilestoneOut}, auth=write_auth, summary="Add a milestone")
def milestone_create(
    request: HttpRequest, code: str, slug: str, action_id: int, payload: MilestoneIn
) -> Any:
    action = queries.get_action(_strategy(request, code, slug), action_id)
    milestone = services.save_milestone(by=request.user, action=action, **payload.dict())
    return Status(201, _milestone_out(milestone, queries.today()))


@router.patch("/cities/{code}/strategies/{slug}/actions/{action_id}/milestones/{milestone_id}",
              response=MilestoneOut, auth=write_auth, summary="Change a milestone, e.g. done")
def milestone_update(
    request: HttpRequest, code: str, slug: str, action_id: int, milestone_id: int,
    payload: MilestonePatch,
) -> Any:
    action = queries.get_action(_strategy(request, code, slug), action_id)
    milestone = Milestone.objects.filter(action=action, pk=milestone_id).first()
    if milestone is None:
        from django.http import Http404

        raise Http404(_("No milestone %(milestone_id)s on this action.")
                      % {"milestone_id": milestone_id})
    data = {"title": milestone.title, "due_date": milestone.due_date,
            "done_on": milestone.done_on, **payload.dict(exclude_unset=True)}
    milestone = services.save_milestone(by=request.user, action=action, milestone=milestone,
                                        **data)
    return _milestone_out(milestone, queries.today())


@router.get("/cities/{code}/strategies/{slug}/reports", response=list[ReportOut],
            summary="Published progress reports (frozen at publication)")
def report_list(request: HttpRequest, code: str, slug: str) -> list[dict[str, Any]]:
    strategy = _strategy(request, code, slug)
    return [_report_out(request, r) for r in queries.reports(strategy)]


@router.post("/cities/{code}/strategies/{slug}/reports", response={201: ReportOut},
             auth=write_auth, summary="Publish a progress report for a period")
def report_create(request: HttpRequest, code: str, slug: str, payload: ReportIn) -> Any:
    strategy = _strategy(request, code, slug)
    report = services.publish_report(by=request.user, strategy=strategy, **payload.dict())
    return Status(201, _report_out(request, report))


@router.get("/cities/{code}/strategies/{slug}/reports/{report_id}", response=ReportOut,
            summary="One progress report")
def report_get(request: HttpRequest, code: str, slug: str, report_id: int) -> dict[str, Any]:
    strategy = _strategy(request, code, slug)
    return _report_out(request, queries.get_report(strategy, report_id))


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator catalogue")
@paginate(Pagination)
def indicator_list(request: HttpRequest, filters: Query[IndicatorFilters]) -> list[Any]:
    rows = Indicator.objects.filter(city__isnull=True)
    if filters.city:
        city = get_city(filters.city, request.user)
        rows = services.indicators_for(city)
    if filters.theme:
        rows = rows.filter(theme=filters.theme)
    if filters.framework:
        rows = rows.filter(framework=filters.framework)
    rows = rows.select_related("city").defer("city__boundary", "city__bbox")
    return [_indicator_out(i) for i in rows.order_by("code")]


@router.get("/indicators/{indicator_code}", response=IndicatorOut, summary="One indicator")
def indicator_get(request: HttpRequest, indicator_code: str) -> dict[str, Any]:
    indicator = Indicator.objects.filter(code=indicator_code).select_related("city").first()
    if indicator is None or (indicator.city is not None and not indicator.city.is_published):
        from django.http import Http404

        raise Http404(_("No indicator %(indicator_code)r.") % {"indicator_code": indicator_code})
    return _indicator_out(indicator)


@router.post("/cities/{code}/indicators", response={201: IndicatorOut}, auth=write_auth,
             summary="Define a city's own indicator (city editors)")
def indicator_create(request: HttpRequest, code: str, payload: IndicatorIn) -> Any:
    city = get_city(code, request.user)
    indicator = services.create_indicator(by=request.user, city=city, **payload.dict())
    return Status(201, _indicator_out(indicator))


@router.get("/cities/{code}/observations", response=list[ObservationOut],
            summary="Observations of a city", description="Filters: indicator (code), area "
            "(code; `city` for the whole city only).")
@paginate(Pagination)
def observation_list(
    request: HttpRequest, code: str, filters: Query[ObservationFilters]
) -> Any:
    city = get_city(code, request.user)
    return queries.city_observations(
        city, user=request.user, indicator=filters.indicator, area=filters.area
    )


@router.post("/cities/{code}/observations", response={201: UploadOut}, auth=write_auth,
             summary="Store observations (all or none)",
             description="A JSON list of observations. One bad row refuses the whole list; the "
             "problem lists every error with its row (1 = first item), field and reason.")
def observation_create(request: HttpRequest, code: str, payload: list[ObservationIn]) -> Any:
    city = get_city(code, request.user)
    count = services.upload_observations(
        by=request.user, city=city, rows=[item.dict() for item in payload],
        file="request body", first_row=1,
    )
    return Status(201, {"stored": count})


@router.post("/cities/{code}/observations/csv", response={201: UploadOut}, auth=write_auth,
             summary="Upload observations as CSV (all or none)",
             description="Multipart `file`: columns indicator, area_code, date (YYYY-MM-DD) or "
             "year (YYYY), value, source.")
def observation_upload(request: HttpRequest, code: str, file: File[UploadedFile]) -> Any:
    city = get_city(code, request.user)
    count = services.upload_observations_csv(
        by=request.user, city=city, data=file.read(), file=file.name or "upload.csv"
    )
    return Status(201, {"stored": count})


@router.get("/compare/indicators/{indicator_code}", response=CompareOut,
            summary="A catalogue indicator across cities (per capita where it is a city total)")
def compare(request: HttpRequest, indicator_code: str) -> dict[str, Any]:
    indicator = queries.get_catalogue_indicator(indicator_code)
    result = queries.compare(indicator, user=request.user)
    return {
        "indicator": _indicator_out(indicator),
        "rows": [
            {"city": r["city"].code, "year": r["year"], "value": r["latest"].value,
             "per_capita": r["per_capita"], "population": r["population"],
             "sources": r["sources"], "series": r["series"]}
            for r in result["rows"]
        ],
    }


@router.get("/network/figures", response=NetworkOut,
            summary="The partnership plan's monitoring figures")
def network_figures(request: HttpRequest) -> dict[str, Any]:
    figures = queries.network_figures(user=request.user)
    return {
        **{k: v for k, v in figures.items() if k != "cities"},
        "cities": [
            {"city": e["city"].code, "qualifies": e["qualifies"], "actions": e["actions"],
             "ppp": e["ppp"], "citizen": e["citizen"]}
            for e in figures["cities"]
        ],
    }
