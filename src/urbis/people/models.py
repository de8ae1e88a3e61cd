"""Accounts, organisations and the roles people hold in a city."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import BaseUserManager as DjangoBaseUserManager
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoBaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person's account. People log in with their e-mail address; there is no username."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Blank: pages follow the browser, e-mails the site's language. Choices are read from
    # settings.LANGUAGES when validated, not copied into the migration.
    language = models.CharField(
        _("preferred language"),
        max_length=16,
        blank=True,
        help_text=_("Pages after signing in and e-mails are in this language."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def mail_language(self) -> str:
        """The language to word e-mails to this person in: their preferred one if the site
        still offers it, else the site's language (``LANGUAGE_CODE``)."""
        from django.conf import settings

        offered = {code for code, _name in settings.LANGUAGES}
        if self.language in offered:
            return self.language
        return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", _("City department")
        BUSINESS = "business", _("Business")
        NGO = "ngo", _("NGO")
        RESEARCH = "research", _("Research organisation")
        COMMUNITY_GROUP = "community_group", _("Community group")
        # The stakeholders the partnership plan names besides the above (issue 19).
        REGIONAL_AUTHORITY = "regional_authority", _("Regional authority")
        NATIONAL_MINISTRY = "national_ministry", _("National ministry")
        FUNDING_ORGANISATION = "funding_organisation", _("Funding organisation")
        UTILITY = "utility", _("Utility")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    city = models.ForeignKey(
        "places.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("The city the organisation belongs to; empty for networks and EU bodies."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="organisations", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles a person holds in one city, from most to least powerful."""

    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="memberships"
    )
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="one_role_per_user_and_city"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.city}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("label"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"


class RateCounter(models.Model):
    """Attempts per key (action + account or address) per fixed time window, for the limits of
    people/ratelimits.py (sign-in, password reset). In the database so that every server
    process and machine counts the same attempts."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="people_one_counter_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="people_counter_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"
