"""Policy and regulation (issue 19, the plan's priority area 5.2): regulatory barriers shared by
cities and endorsed by organisations, innovation zones, commitments with their roadmap,
stakeholder involvement, fitness checks, one-stop shops, and the network's figures as dated
series. Domain rules live in services.py; these tables hold the records and the constraints
the database itself guarantees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from urbis.strategy.models import ThemeKind


class Level(models.TextChoices):
    EU = "eu", _("EU")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    CITY = "city", _("City")


class Effect(models.TextChoices):
    HINDERS = "hinders", _("Hinders")
    FOSTERS = "fosters", _("Fosters")


class BarrierStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    AGREED = "agreed", _("Agreed")
    PROPOSAL_SUBMITTED = "proposal_submitted", _("Proposal for change submitted")
    CHANGED = "changed", _("Changed")
    REJECTED = "rejected", _("Rejected")


# The only moves of a barrier's lifecycle; anything else is refused (services.move_barrier).
BARRIER_TRANSITIONS: dict[str, frozenset[str]] = {
    BarrierStatus.RAISED: frozenset({BarrierStatus.AGREED}),
    BarrierStatus.AGREED: frozenset({BarrierStatus.PROPOSAL_SUBMITTED}),
    BarrierStatus.PROPOSAL_SUBMITTED: frozenset({BarrierStatus.CHANGED, BarrierStatus.REJECTED}),
    BarrierStatus.CHANGED: frozenset(),
    BarrierStatus.REJECTED: frozenset(),
}


class Barrier(models.Model):
    """A rule (EU, national, regional or city) that hinders or fosters what cities want to do.
    One rule is one barrier however many cities raise it (``BarrierCity``)."""

    slug = models.SlugField(_("short name"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=120,
        help_text=_("Where the rule applies: the EU, a country, a region or a city."))
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    link = models.URLField(_("link to the text"), max_length=600, blank=True)
    effect = models.CharField(_("effect"), max_length=8, choices=Effect.choices,
                              default=Effect.HINDERS)
    description = models.TextField(_("what it blocks or fosters"))
    sectors = models.JSONField(_("sectors"), default=list, blank=True,
                               help_text=_("Codes of the strategy themes the rule touches."))
    evidence = models.TextField(_("evidence"), blank=True)
    actions = models.ManyToManyField("strategy.Action", verbose_name=_("actions it touches"),
                                     blank=True, related_name="barriers")
    status = models.CharField(_("status"), max_length=20, choices=BarrierStatus.choices,
                              default=BarrierStatus.RAISED)
    proposal_to = models.CharField(_("proposal submitted to"), max_length=300, blank=True)
    proposal_on = models.DateField(_("proposal submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("changed or rejected on"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("regulatory barrier")
        verbose_name_plural = _("regulatory barriers")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:barrier", args=[self.slug])


class BarrierCity(models.Model):
    """A city that raised (or joined) a barrier."""

    barrier = models.ForeignKey(Barrier, verbose_name=_("barrier"), on_delete=models.CASCADE,
                                related_name="city_links")
    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="policy_barriers")
    raised_on = models.DateField(_("raised on"))
    note = models.TextField(_("how it affects the city"), blank=True)

    class Meta:
        ordering = ["barrier", "raised_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["barrier", "city"],
                                               name="policy_one_link_per_barrier_city")]
        verbose_name = _("city raising a barrier")
        verbose_name_plural = _("cities raising a barrier")

    def __str__(self) -> str:
        return f"{self.city} — {self.barrier}"


class Stance(models.TextChoices):
    ENDORSES = "endorses", _("Endorses")
    DISPUTES = "disputes", _("Disputes")


class Endorsement(models.Model):
    barrier = models.ForeignKey(Barrier, verbose_name=_("barrier"), on_delete=models.CASCADE,
                                related_name="endorsements")
    organisation = models.ForeignKey("people.Organisation", verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="barrier_stances")
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices,
                              default=Stance.ENDORSES)
    statement = models.TextField(_("statement"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["barrier", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["barrier", "organisation"],
                                               name="policy_one_stance_per_organisation")]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")

    def __str__(self) -> str:
        return f"{self.organisation} {self.stance} {self.barrier}"


class ZonePhase(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    SETUP = "setup", _("Set-up and monitoring")
    EVALUATION = "evaluation", _("Evaluation and lessons learned")
    ROLLOUT = "rollout", _("Roll-out")


ZONE_PHASE_ORDER = [ZonePhase.CONCEPT, ZonePhase.SETUP, ZonePhase.EVALUATION, ZonePhase.ROLLOUT]


class InnovationZone(models.Model):
    """A place and a time where rules are suspended or new rules are tested."""

    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="innovation_zones")
    slug = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    concept = models.TextField(_("concept tested"))
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"))
    area_m2 = models.FloatField(_("area (m²)"))
    population = models.FloatField(_("residents (area-weighted)"), null=True, blank=True)
    households = models.FloatField(_("households (area-weighted)"), null=True, blank=True)
    figures_note = models.TextField(_("how residents and households were estimated"),
                                    blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=ZonePhase.choices,
                             default=ZonePhase.CONCEPT)
    organisations = models.ManyToManyField("people.Organisation",
                                           verbose_name=_("participating organisations"),
                                           blank=True, related_name="innovation_zones")
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["city", "-start_date", "slug"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"],
                                               name="policy_zone_unique_slug")]
        verbose_name = _("innovation zone")
        verbose_name_plural = _("innovation zones")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:zone", args=[self.city.code, self.slug])

    @property
    def area_km2(self) -> float:
        return self.area_m2 / 1_000_000


class RuleChange(models.TextChoices):
    SUSPENDED = "suspended", _("Rule suspended")
    NEW = "new", _("New rule tested")


class ZoneRule(models.Model):
    zone = models.ForeignKey(InnovationZone, verbose_name=_("zone"), on_delete=models.CASCADE,
                             related_name="rules")
    kind = models.CharField(_("kind"), max_length=10, choices=RuleChange.choices)
    barrier = models.ForeignKey(Barrier, verbose_name=_("barrier"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="zone_rules")
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["zone", "kind", "pk"]
        verbose_name = _("rule of a zone")
        verbose_name_plural = _("rules of a zone")

    def __str__(self) -> str:
        return self.description[:60]


class Rollout(models.Model):
    """Where a zone's concept goes next: areas of its city or other cities, and when."""

    zone = models.ForeignKey(InnovationZone, verbose_name=_("zone"), on_delete=models.CASCADE,
                             related_name="rollouts")
    city = models.ForeignKey("places.City", verbose_name=_("to city"), on_delete=models.CASCADE,
                             related_name="policy_rollouts_in")
    areas = models.ManyToManyField("places.Area", verbose_name=_("to areas"), blank=True,
                                   related_name="policy_rollouts")
    description = models.TextField(_("description"), blank=True)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("rolled out on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)

    class Meta:
        ordering = ["zone", "planned_on", "pk"]
        verbose_name = _("roll-out")
        verbose_name_plural = _("roll-outs")

    def __str__(self) -> str:
        return f"{self.zone} → {self.city}"


class Commitment(models.Model):
    """A city's self-commitment: what, adopted when, by which body, with its document."""

    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="policy_commitments")
    slug = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("what"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    adopted_on = models.DateField(_("adopted on"))
    body = models.CharField(_("adopted by"), max_length=300)
    document_url = models.URLField(_("document"), max_length=600, blank=True)
    strategy = models.ForeignKey("strategy.Strategy", verbose_name=_("strategy"),
                                 on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="commitments")
    priorities = models.JSONField(_("partnership priorities served"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["city", "-adopted_on"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"],
                                               name="policy_commitment_unique_slug")]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:commitment", args=[self.city.code, self.slug])


class RoadmapStep(models.TextChoices):
    VISION = "vision", _("Vision")
    STRATEGY = "strategy", _("Strategy and roadmap")
    ACTION_PLAN = "action_plan", _("Action and funding plan")
    DISSEMINATION = "dissemination", _("Dissemination")
    LEARNING = "learning", _("Urban learning")


class PhaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class RoadmapPhase(models.Model):
    commitment = models.ForeignKey(Commitment, verbose_name=_("commitment"),
                                   on_delete=models.CASCADE, related_name="phases")
    step = models.CharField(_("step"), max_length=16, choices=RoadmapStep.choices)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PhaseStatus.choices,
                              default=PhaseStatus.PLANNED)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["commitment", "starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["commitment", "step"],
                                               name="policy_one_phase_per_step")]
        verbose_name = _("roadmap phase")
        verbose_name_plural = _("roadmap phases")

    def __str__(self) -> str:
        return self.get_step_display()


class InvolvementKind(models.TextChoices):
    CONSULTED = "consulted", _("Consulted")
    CO_DECIDED = "co_decided", _("Co-decided")
    ENDORSED = "endorsed", _("Endorsed")


class Involvement(models.Model):
    """Which organisation took part in which step of a commitment's roadmap, and how."""

    commitment = models.ForeignKey(Commitment, verbose_name=_("commitment"),
                                   on_delete=models.CASCADE, related_name="involvements")
    step = models.CharField(_("step"), max_length=16, choices=RoadmapStep.choices)
    organisation = models.ForeignKey("people.Organisation", verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="policy_involvements")
    how = models.CharField(_("how"), max_length=12, choices=InvolvementKind.choices)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)

    class Meta:
        ordering = ["commitment", "step", "pk"]
        constraints = [models.UniqueConstraint(fields=["commitment", "step", "organisation"],
                                               name="policy_one_involvement_per_step")]
        verbose_name = _("stakeholder involvement")
        verbose_name_plural = _("stakeholder involvements")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.how} ({self.step})"


class FitnessCheck(models.Model):
    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="fitness_checks")
    slug = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    carried_out_on = models.DateField(_("carried out on"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["city", "-carried_out_on"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"],
                                               name="policy_check_unique_slug")]
        verbose_name = _("fitness check")
        verbose_name_plural = _("fitness checks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:check", args=[self.city.code, self.slug])


class Rating(models.TextChoices):
    FOSTERING = "fostering", _("Fostering")
    NEUTRAL = "neutral", _("Neutral")
    HINDERING = "hindering", _("Hindering")


class Assessment(models.Model):
    """One rule, one smart-city domain, one rating with its reason."""

    fitness_check = models.ForeignKey(FitnessCheck, verbose_name=_("fitness check"),
                              on_delete=models.CASCADE, related_name="assessments")
    barrier = models.ForeignKey(Barrier, verbose_name=_("rule"), on_delete=models.CASCADE,
                                related_name="assessments")
    domain = models.CharField(_("domain"), max_length=32, choices=ThemeKind.choices)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["fitness_check", "barrier__title", "domain"]
        constraints = [models.UniqueConstraint(fields=["fitness_check", "barrier", "domain"],
                                               name="policy_one_rating_per_rule_domain")]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.barrier} / {self.domain}: {self.rating}"


class OneStopShop(models.Model):
    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="one_stop_shops")
    slug = models.SlugField(_("short name"), max_length=100)
    name = models.CharField(_("name"), max_length=300)
    url = models.URLField(_("address"), max_length=600, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["city", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"],
                                               name="policy_shop_unique_slug")]
        verbose_name = _("one-stop shop")
        verbose_name_plural = _("one-stop shops")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    shop = models.ForeignKey(OneStopShop, verbose_name=_("one-stop shop"),
                             on_delete=models.CASCADE, related_name="procedures")
    name = models.CharField(_("what must be obtained"), max_length=300)
    authority = models.CharField(_("from whom"), max_length=300)
    applicant = models.CharField(_("who applies"), max_length=200, blank=True)
    days_before = models.PositiveIntegerField(_("days before"))
    days_after = models.PositiveIntegerField(_("days after"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["shop", "name"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"],
                                               name="policy_procedure_unique_name")]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return self.name

    @property
    def days_saved(self) -> int:
        return self.days_before - self.days_after


class FigurePoint(models.Model):
    """One network figure on one day. Only today's point is ever written (services.snapshot);
    a past day's point is never changed, so the series is the history as it was seen."""

    figure = models.CharField(_("figure"), max_length=60)
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"), null=True, blank=True)
    includes_illustrative = models.BooleanField(_("includes illustrative records"),
                                                default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["figure", "date"]
        constraints = [models.UniqueConstraint(fields=["figure", "date"],
                                               name="policy_one_point_per_figure_day")]
        verbose_name = _("network figure point")
        verbose_name_plural = _("network figure points")

    def __str__(self) -> str:
        return f"{self.figure} {self.date}: {self.value}"


class ZoneObservation(models.Model):
    """A monitoring indicator's value measured inside an innovation zone."""

    zone = models.ForeignKey(InnovationZone, verbose_name=_("zone"), on_delete=models.CASCADE,
                             related_name="observations")
    indicator = models.ForeignKey("strategy.Indicator", verbose_name=_("indicator"),
                                  on_delete=models.PROTECT, related_name="zone_observations")
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["zone", "indicator", "date"]
        constraints = [models.UniqueConstraint(fields=["zone", "indicator", "date"],
                                               name="policy_one_zone_value_per_date")]
        verbose_name = _("observation inside a zone")
        verbose_name_plural = _("observations inside zones")

    def __str__(self) -> str:
        return f"{self.zone} {self.indicator_id} {self.date}: {self.value}"


class ProjectBundle(models.Model):
    """Strategy actions grouped for joint funding."""

    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="project_bundles")
    slug = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    funding_target = models.CharField(_("funding sought from"), max_length=300, blank=True)
    actions = models.ManyToManyField("strategy.Action", verbose_name=_("actions"),
                                     related_name="project_bundles")
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["city", "title"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"],
                                               name="policy_bundle_unique_slug")]
        verbose_name = _("project bundle")
        verbose_name_plural = _("project bundles")

    def __str__(self) -> str:
        return self.title
