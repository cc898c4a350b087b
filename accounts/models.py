"""People, their role grants, invitations and API tokens."""

import hashlib
import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in with an email address; there are no usernames."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Django admin only; roles come from grants.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", "Programme admin"
    COACH = "coach", "Coach"
    BUDDY = "buddy", "Always Event Buddy"
    SYSTEM_VIEWER = "system_viewer", "System viewer"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    TEAM_MEMBER = "team_member", "Team member"
    PARTNER = "partner", "Patient or carer partner"
    PARTNER_STAFF = "partner_staff", "Partner organisation staff"
    REGIONAL_VIEWER = "regional_viewer", "Regional team"


# Which target each role is granted on; a coach may be granted on a whole programme or on one cohort.
ROLE_TARGETS: dict[str, tuple[str, ...]] = {
    Role.PROGRAMME_ADMIN: ("programme",),
    Role.COACH: ("programme", "cohort"),
    Role.BUDDY: ("project",),
    Role.SYSTEM_VIEWER: ("organisation",),
    Role.ORGANISATION_ADMIN: ("organisation",),
    Role.TEAM_MEMBER: ("project",),
    Role.PARTNER: ("project",),
    Role.PARTNER_STAFF: ("partnership",),
    Role.REGIONAL_VIEWER: ("region",),
}
TARGET_FIELDS = ("programme", "cohort", "organisation", "project", "partnership", "region")


def _one_target_per_role() -> Q:
    condition = Q()
    for role, targets in ROLE_TARGETS.items():
        for target in targets:
            others = {f"{field}__isnull": True for field in TARGET_FIELDS if field != target}
            condition |= Q(role=role, **{f"{target}__isnull": False}, **others)
    return condition


class GrantTarget(models.Model):
    """The fields a grant and an invitation share: a role and the one thing it is granted on."""

    role = models.CharField(max_length=30, choices=Role)
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, null=True, blank=True)
    cohort = models.ForeignKey("programmes.Cohort", on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.CASCADE, null=True, blank=True
    )
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, blank=True)
    # A partner organisation's place on one project: its staff's grants end when the partnership does.
    partnership = models.ForeignKey(
        "coproduction.ProjectPartner", on_delete=models.CASCADE, null=True, blank=True
    )
    region = models.ForeignKey("programmes.Region", on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def target(self):
        return (
            self.programme
            or self.cohort
            or self.organisation
            or self.project
            or self.partnership
            or self.region
        )

    def describe(self) -> str:
        return f"{self.get_role_display()} of {self.target}"


class RoleGrant(GrantTarget):
    """One role a person holds on one programme, cohort, organisation or project."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_one_target_per_role(),
                name="rolegrant_one_target_fits_role",
                violation_error_message="Choose one programme, cohort, organisation or project for the role.",
            ),
            models.UniqueConstraint(
                fields=[
                    "user",
                    "role",
                    "programme",
                    "cohort",
                    "organisation",
                    "project",
                    "partnership",
                    "region",
                ],
                name="rolegrant_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.describe()}"


def target_model(target: str) -> type[models.Model]:
    """The model a grant's target key points at: "programme", "cohort", "organisation", "project",
    "partnership" or "region". The apps that define them sit above accounts (docs/architecture.md), so
    accounts reaches them through the keys it declares instead of importing them."""
    return RoleGrant._meta.get_field(target).related_model


def target_field_of(target: models.Model) -> str | None:
    """Which target key `target` would fill, or None for a model no grant points at."""
    return next((field for field in TARGET_FIELDS if isinstance(target, target_model(field))), None)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(GrantTarget):
    """An emailed, one-time link that lets a person sign up (or an existing user accept) a role."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField()
    # NULL until the link is emailed (the token is made then); many unsent invitations must not clash.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=_one_target_per_role(), name="invitation_one_target_fits_role"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}: {self.describe()}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A named key for scripts. Only its hash is stored; the key is shown once, when it is created."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=8, editable=False, help_text="The first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
