"""Whether an action is a public-private partnership and whether it is citizen-driven.

Both are derived from the data where the data allows:

- **PPP**: a partner of the action is a private company (organisation kind "business") linked
  with the role "private partner under a PPP agreement";
- **citizen-driven**: a citizens' idea that was accepted (or is in progress or implemented) is
  linked to the action (the engagement app's idea ↔ action links), and is neither hidden by
  moderation nor in an unpublished process.

The city's hand-set flag (``Action.is_ppp`` / ``Action.is_citizen_driven``) is an override:
when set, it wins, and pages, API and exports say that the value was set by hand. Pages, the API,
the list filters and the network figures all read the flags from here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from urbis.people.models import Organisation
from urbis.strategy.models import Action, ActionPartner, PartnerRole

#: Idea statuses that make an action citizen-driven: the ones the engagement app lets a city
#: link to an action at all (``engagement.links.LINKABLE``; a test keeps the two equal). The
#: strategy app does not import engagement, which is built on it.
CITIZEN_IDEA_STATUSES = ("accepted", "in_progress", "implemented")

#: The organisation kinds that count as a private partner.
PRIVATE_KINDS = (Organisation.Kind.BUSINESS,)

DERIVED = "derived"
OVERRIDE = "override"


def _has_ideas() -> bool:
    """The engagement app is optional; without it no action has ideas."""
    try:
        Action._meta.get_field("ideas")
    except FieldDoesNotExist:
        return False
    return True


def citizen_ideas() -> QuerySet[Any] | None:
    """The ideas that make an action citizen-driven (``None`` without the engagement app)."""
    if not _has_ideas():
        return None
    idea_model: Any = Action._meta.get_field("ideas").related_model
    return idea_model._default_manager.filter(
        status__in=CITIZEN_IDEA_STATUSES, is_hidden=False, process__is_published=True,
    )


def ppp_partner_links() -> QuerySet[ActionPartner]:
    return ActionPartner.objects.filter(role=PartnerRole.PPP,
                                        organisation__kind__in=PRIVATE_KINDS)


def with_flags(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate ``derived_ppp``, ``derived_citizen`` and the values in force, ``ppp`` and
    ``citizen_driven`` (the override where set, else the derived value), so that lists can be
    filtered and counted in the database."""
    derived_ppp = Exists(ppp_partner_links().filter(action=OuterRef("pk")))
    ideas = citizen_ideas()
    derived_citizen: Any = (
        Exists(ideas.filter(actions=OuterRef("pk")))
        if ideas is not None else Value(False, output_field=BooleanField())
    )
    return actions.annotate(
        derived_ppp=derived_ppp, derived_citizen=derived_citizen,
    ).annotate(
        ppp=Coalesce("is_ppp", "derived_ppp", output_field=BooleanField()),
        citizen_driven=Coalesce("is_citizen_driven", "derived_citizen",
                                output_field=BooleanField()),
    )


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def action_flags(action: Action) -> dict[str, Any]:
    """Both flags of one action for its page and the API: the value in force, whether it was
    derived or set by hand (``source``), what it was derived from (``basis``, a sentence, and
    the records behind it) and, for an override, what the data alone would say."""
    partners = list(
        ppp_partner_links().filter(action=action).select_related("organisation")
        .order_by("organisation__name")
    )
    ideas_qs = citizen_ideas()
    ideas = [] if ideas_qs is None or action.pk is None else list(
        ideas_qs.filter(actions=action).select_related("process__city")
        .defer("process__city__boundary").order_by("pk"))
    derived_ppp = bool(partners)
    derived_citizen = bool(ideas)
    if partners:
        ppp_basis = _("Private partner under a PPP agreement: %(partners)s.") % {
            "partners": "; ".join(
                f"{p.organisation.name}" + (f" ({p.agreement})" if p.agreement else "")
                for p in partners)}
    else:
        ppp_basis = _("No private partner under a PPP agreement is recorded.")
    if ideas:
        citizen_basis = _("Accepted citizen ideas linked to the action: %(ideas)s.") % {
            "ideas": "; ".join(f"“{i.title}”" for i in ideas)}
    else:
        citizen_basis = _("No accepted citizen idea is linked to the action.")

    def flag(override: bool | None, derived: bool, basis: str) -> dict[str, Any]:
        if override is None:
            return {"value": derived, "source": DERIVED, "basis": basis}
        return {
            "value": override, "source": OVERRIDE,
            "basis": _("Set by hand by the city (override). From the data alone: %(derived)s. "
                       "%(basis)s") % {"derived": _yes_no(derived), "basis": basis},
        }

    return {
        "ppp": {**flag(action.is_ppp, derived_ppp, ppp_basis), "derived": derived_ppp,
                "partners": [{"organisation": p.organisation, "agreement": p.agreement}
                             for p in partners]},
        "citizen_driven": {**flag(action.is_citizen_driven, derived_citizen, citizen_basis),
                           "derived": derived_citizen, "ideas": ideas},
    }
