from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import BusinessLine, RoleCode

# Official codes are nine digits and a check letter (397110000G). Units without a published
# official code get a local code starting with "YK" (see the data file's header).
agency_code_validator = RegexValidator(
    r"^(?:[0-9]{9}[A-Z]|YK[0-9A-Z]{4,12})$",
    _(
        "Agency code must be nine digits and a capital letter (e.g. 397110000G), or a local YK code."
    ),
)


class AgencyKind(models.TextChoices):
    CITY = "city", _("City government")
    FIRST_LEVEL = "first_level", _("First-level agency")
    SECOND_LEVEL = "second_level", _("Second-level agency")
    DISTRICT_OFFICE = "district_office", _("District office")
    ENTERPRISE = "enterprise", _("Municipal enterprise")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(active=True)


class Agency(models.Model):
    """One organisation unit of the city government; deactivated, never deleted."""

    code = models.CharField(
        _("agency code"), max_length=16, unique=True, validators=[agency_code_validator]
    )
    code_official = models.BooleanField(
        _("official code"),
        default=True,
        help_text=_("False for local YK codes given to units whose official code is not known."),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    district = models.CharField(
        _("district"),
        max_length=10,
        blank=True,
        help_text=_("For district offices and units that serve one district, e.g. 鳳山區."),
    )
    active = models.BooleanField(_("active"), default=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where this entry's data came from.")
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["sort_order", "code"]
        indexes = [models.Index(fields=["kind", "active"]), models.Index(fields=["district"])]

    def __str__(self) -> str:
        return self.short_name or self.name_zh

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise models.ProtectedError(
            _("Agencies are deactivated, never deleted, so their records stay whole."), {self}
        )


class Role(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class User(AbstractUser):
    """A person who logs in: belongs to one agency, holds one or more roles."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)

    objects = UserManager()

    scope_line = BusinessLine.PEOPLE
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["agency__sort_order", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        """Cached per instance: scoping asks for it on every query."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            if not self.pk:
                return frozenset()
            cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes & set(codes)) or self.is_superuser
