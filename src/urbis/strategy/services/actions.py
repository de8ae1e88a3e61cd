"""Actions (with their partners and prerequisites, never in a cycle) and their milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.people.models import Organisation
from urbis.people.permissions import Action as Can
from urbis.people.permissions import require_unless_platform
from urbis.strategy.models import (
    Action,
    ActionImpact,
    ActionPartner,
    ActionStatus,
    FundingKind,
    FundingSource,
    Horizon,
    Milestone,
    PartnerRole,
    Strategy,
    Target,
    Theme,
)
from urbis.strategy.services.history import _display, _field_name, _record, _snapshot
from urbis.strategy.services.targets import _departments

ACTION_FIELDS = (
    "title", "description", "theme", "is_technological", "horizon", "status",
    "responsible_department", "is_ppp", "is_citizen_driven", "budget", "currency", "start_date",
    "end_date", "partners", "depends_on",
)


ACTION_SCALARS = tuple(f for f in ACTION_FIELDS if f not in {"partners", "depends_on"})


def _action_snapshot(action: Action) -> dict[str, str]:
    snap = _snapshot(action, ACTION_FIELDS)
    # A PPP partner shows as such, so that a change of role is in the history too.
    snap["partners"] = ", ".join(sorted(
        link.organisation.name if link.role == PartnerRole.PARTNER
        else f"{link.organisation.name} (PPP{': ' + link.agreement if link.agreement else ''})"
        for link in action.partner_links.select_related("organisation")
    )) if action.pk else ""
    snap["funding"] = "; ".join(
        f"{f.get_kind_display()}{' ' + _display(f.amount) if f.amount is not None else ''}"
        for f in action.funding.all()
    )
    snap["impacts"] = "; ".join(
        f"{i.target.title}{': ' + i.description if i.description else ''}"
        for i in action.impacts.select_related("target")
    )
    return snap


def _would_cycle(action: Action, prerequisites: list[Action]) -> bool:
    """Whether making ``action`` depend on ``prerequisites`` closes a loop."""
    if action.pk is None:
        return False
    stack = [p.pk for p in prerequisites]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current == action.pk:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(
            Action.depends_on.through.objects.filter(from_action_id=current).values_list(
                "to_action_id", flat=True
            )
        )
    return False


def _clean_action(action: Action) -> None:
    strategy = action.strategy
    errors: dict[str, str] = {}
    if not (action.title or "").strip():
        errors["title"] = "Give the action a title."
    if action.horizon not in Horizon.values:
        errors["horizon"] = "Horizon must be short, medium or long."
    if action.status not in ActionStatus.values:
        errors["status"] = "Unknown status."
    if action.theme_id and not Theme.objects.filter(pk=action.theme_id, strategy=strategy).exists():
        errors["theme"] = "No such theme in this strategy."
    if action.responsible_department_id and not Organisation.objects.filter(
        Q(city=strategy.city) | Q(city__isnull=True), pk=action.responsible_department_id
    ).exists():
        errors["responsible_department"] = "No such department in this city."
    if action.budget is not None:
        try:
            budget = Decimal(action.budget)
        except (InvalidOperation, TypeError):
            errors["budget"] = "Give the budget as a number."
        else:
            if budget < 0:
                errors["budget"] = "A budget cannot be negative."
            action.budget = budget
    if len(action.currency or "") != 3:
        errors["currency"] = "Give a three-letter ISO 4217 currency code, e.g. EUR."
    if action.start_date and action.end_date and action.end_date < action.start_date:
        errors["end_date"] = "The end comes before the start."
    if errors:
        raise ValidationError(errors)


def _partner_links(strategy: Strategy, partners: Iterable[Any]) -> list[ActionPartner]:
    """Partners given as organisations (slug, key or object: plain partners) or as mappings
    ``{"organisation": ..., "role": "partner" | "ppp", "agreement": "..."}``. A PPP partner
    must be a private company: that is what makes the action a PPP (``queries.flags``)."""
    from urbis.strategy.queries.flags import PRIVATE_KINDS

    links: list[ActionPartner] = []
    seen: set[int] = set()
    for item in partners:
        spec = dict(item) if isinstance(item, Mapping) else {"organisation": item}
        (org,) = _departments(strategy.city, [spec.get("organisation")])
        role = spec.get("role") or PartnerRole.PARTNER
        agreement = str(spec.get("agreement") or "").strip()
        if role not in PartnerRole.values:
            raise ValidationError({"partners": _("%(org)s: unknown role %(role)r.")
                                               % {"org": org, "role": role}})
        if role == PartnerRole.PPP and org.kind not in PRIVATE_KINDS:
            raise ValidationError({"partners": _(
                "%(org)s is not a private company: only a private partner can be under a PPP "
                "agreement.") % {"org": org}})
        if len(agreement) > 300:
            raise ValidationError({"partners": _("%(org)s: the agreement reference is longer "
                                                 "than 300 characters.") % {"org": org}})
        if org.pk in seen:
            raise ValidationError({"partners": _("%(org)s is named twice.") % {"org": org}})
        seen.add(org.pk)
        links.append(ActionPartner(organisation=org, role=role,
                                   agreement=agreement if role == PartnerRole.PPP else ""))
    return links


def save_action(
    *, by: Any, strategy: Strategy, action: Action | None = None,
    partners: Iterable[Any] | None = None, depends_on: Iterable[Action | int] | None = None,
    funding: Iterable[Mapping[str, Any]] | None = None,
    impacts: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Action:
    """Create (``action=None``) or update an action with its partners, dependencies, funding
    sources and expected impacts; every changed field goes to the history."""
    require_unless_platform(by, Can.EDIT, strategy.city)
    if action is not None and action.strategy_id != strategy.pk:
        raise ValidationError({"action": _("This action belongs to another strategy.")})
    creating = action is None
    action = action or Action(strategy=strategy)
    before = {} if creating else _action_snapshot(action)
    for name, value in fields.items():
        if _field_name(name) not in {*ACTION_SCALARS, "order"}:
            raise ValidationError({name: _("Not a field of an action.")})
        setattr(action, name, value)
    _clean_action(action)
    partner_links = _partner_links(strategy, partners) if partners is not None else None
    prerequisites: list[Action] | None = None
    if depends_on is not None:
        prerequisites = []
        for wanted in depends_on:
            other = (
                wanted if isinstance(wanted, Action) else Action.objects.filter(pk=wanted).first()
            )
            if other is None or other.strategy_id != strategy.pk:
                raise ValidationError({"depends_on": _("No action %(wanted)s in this strategy.")
                                                     % {"wanted": wanted}})
            if other.pk == action.pk:
                raise ValidationError({"depends_on": _("An action cannot depend on itself.")})
            prerequisites.append(other)
        if _would_cycle(action, prerequisites):
            raise ValidationError({"depends_on": _("These dependencies would form a loop.")})
    funding_rows: list[FundingSource] | None = None
    if funding is not None:
        funding_rows = []
        for number, source in enumerate(funding, start=1):
            kind = source.get("kind")
            if kind not in FundingKind.values:
                raise ValidationError({"funding": _("Source %(number)s: unknown kind %(kind)r.")
                                                  % {"number": number, "kind": kind}})
            amount = source.get("amount")
            if amount not in (None, ""):
                try:
                    amount = Decimal(str(amount))
                except InvalidOperation as exc:
                    raise ValidationError(
                        {"funding": _("Source %(number)s: amount is not a number.")
                                    % {"number": number}}
                    ) from exc
                if amount < 0:
                    raise ValidationError({"funding": _("Source %(number)s: negative amount.")
                                                      % {"number": number}})
            else:
                amount = None
            funding_rows.append(
                FundingSource(kind=kind, amount=amount, note=str(source.get("note") or "")[:300])
            )
    impact_rows: list[tuple[Target, str]] | None = None
    if impacts is not None:
        impact_rows = []
        for impact in impacts:
            wanted_target: Any = impact.get("target")
            target = wanted_target if isinstance(wanted_target, Target) else (
                Target.objects.filter(pk=wanted_target, strategy=strategy).first()
                if str(wanted_target).isdigit() else None
            )
            if target is None or target.strategy_id != strategy.pk:
                raise ValidationError({"impacts": _("No target %(value)s here.")
                                                  % {"value": impact.get('target')}})
            impact_rows.append((target, str(impact.get("description") or "")[:500]))
    with transaction.atomic():
        action.save()
        if partner_links is not None:
            action.partner_links.all().delete()
            for link in partner_links:
                link.action = action
            ActionPartner.objects.bulk_create(partner_links)
        if prerequisites is not None:
            action.depends_on.set(prerequisites)
        if funding_rows is not None:
            action.funding.all().delete()
            for row in funding_rows:
                row.action = action
            FundingSource.objects.bulk_create(funding_rows)
        if impact_rows is not None:
            action.impacts.all().delete()
            ActionImpact.objects.bulk_create(
                [ActionImpact(action=action, target=t, description=d) for t, d in impact_rows]
            )
        _record(city=strategy.city, model="action", object_id=action.pk, before=before,
                after=_action_snapshot(action), by=by)
    return action


def save_milestone(
    *, by: Any, action: Action, title: str, due_date: dt.date, done_on: dt.date | None = None,
    milestone: Milestone | None = None,
) -> Milestone:
    city = action.strategy.city
    require_unless_platform(by, Can.EDIT, city)
    if milestone is not None and milestone.action_id != action.pk:
        raise ValidationError({"milestone": _("This milestone belongs to another action.")})
    errors = {}
    if not title.strip():
        errors["title"] = "Give the milestone a title."
    if not isinstance(due_date, dt.date):
        errors["due_date"] = "Give the due date."
    if done_on is not None and done_on > timezone.localdate():
        errors["done_on"] = "A milestone cannot be done in the future."
    if errors:
        raise ValidationError(errors)
    before = {} if milestone is None else {
        "due": _display(milestone.due_date), "done on": _display(milestone.done_on),
    }
    milestone = milestone or Milestone(action=action)
    milestone.title, milestone.due_date, milestone.done_on = title.strip(), due_date, done_on
    with transaction.atomic():
        milestone.save()
        after = {"due": _display(due_date), "done on": _display(done_on)}
        _record(
            city=city, model="action", object_id=action.pk,
            before={f"milestone “{milestone.title}” {k}": v for k, v in before.items()},
            after={f"milestone “{milestone.title}” {k}": v for k, v in after.items()}, by=by,
        )
    return milestone
