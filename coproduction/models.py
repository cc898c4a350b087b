"""An Always Event project and everything its team records on the way: what matters, themes, the co-design
team and its sessions, candidate events and the chosen one, the driver diagram, change ideas, PDSA cycles,
comments and notifications (DOMAIN.md). Every row belongs to the project's organisation."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from alwaysevents.tenancy import TenantModel
from projects.models import ProjectRecord


class ProjectPartner(ProjectRecord):
    """A partner organisation on a project led by another organisation or by a system: its role in the
    pathway and its site. Its staff (`Role.PARTNER_STAFF` grants on this row) work on this project alone,
    and only while the partnership is current (docs/adr/009-integrated-care.md)."""

    partner_organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="partnerships"
    )
    role_in_pathway = models.CharField(
        max_length=200, help_text="For example 'Community nursing: visits in the first week at home'."
    )
    site_name = models.CharField(
        max_length=200, help_text="The site whose data it records, for example 'Musgrove Park wards'."
    )
    joined_on = models.DateField()
    left_on = models.DateField(
        null=True, blank=True, help_text="From this day its staff no longer work on the project."
    )

    class Meta(TenantModel.Meta):
        ordering = ["site_name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["project", "partner_organisation"], name="partner_once_per_project"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="partner_leaves_after_it_joins",
            ),
        ]

    def __str__(self) -> str:
        return self.site_name

    def get_absolute_url(self) -> str:
        return reverse("partner_list", kwargs={"project_id": self.project_id}) + f"#partner-{self.pk}"

    def is_current(self, on) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)


# --- Links between two records of one project: they carry the organisation too (docs/scaling.md) ---------


def link_constraint(first: str, second: str, name: str) -> list:
    return [*TenantModel.Meta.constraints, models.UniqueConstraint(fields=[first, second], name=name)]


class ChecklistTick(ProjectRecord):
    """One exit-checklist item of the project's phase, marked done."""

    item = models.ForeignKey("programmes.ChecklistItem", on_delete=models.CASCADE, related_name="+")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["project", "item"], name="checklist_tick_once"),
        ]


# --- Discover what matters ---------------------------------------------------------------------


def _new_link_code() -> str:
    return secrets.token_urlsafe(6)


class CollectionLink(ProjectRecord):
    """A public "What matters to you?" form, reached by a short unguessable code (poster, QR code)."""

    code = models.CharField(max_length=16, unique=True, default=_new_link_code, editable=False)
    setting = models.CharField(
        max_length=200, help_text="Where it is used, for example 'outpatients waiting area'."
    )
    question = models.CharField(max_length=300, default="What matters to you?")
    is_open = models.BooleanField(default=True)
    about_you = models.JSONField(
        default=list,
        blank=True,
        help_text="The optional 'about you' questions it asks: keys of the programme's dimensions.",
    )

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Collection link for {self.setting}"

    def get_public_url(self) -> str:
        return reverse("public_response", kwargs={"code": self.code})


class Theme(ProjectRecord):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["project", "name"], name="theme_unique_name_in_project"),
        ]

    def __str__(self) -> str:
        return self.name


class Response(ProjectRecord):
    """One answer to "What matters to you?". Anonymous: there are no fields for names or identifiers, and
    text that looks like one is flagged for the team to redact before anyone else sees it."""

    class Method(models.TextChoices):
        CONVERSATION = "conversation", "Conversation"
        SURVEY = "survey", "Survey"
        WORKSHOP = "workshop", "Workshop"
        FOCUS_GROUP = "focus_group", "Focus group"
        PUBLIC_FORM = "public_form", "Public form"

    class Respondent(models.TextChoices):
        PATIENT = "patient", "Patient"
        CARER = "carer", "Carer"
        FAMILY = "family", "Family member"
        SERVICE_USER = "service_user", "Service user"
        STAFF = "staff", "Staff"
        NOT_SAID = "not_said", "Not said"

    method = models.CharField(max_length=20, choices=Method)
    collected_on = models.DateField()
    setting = models.CharField(max_length=200, blank=True)
    respondent = models.CharField(max_length=20, choices=Respondent, default=Respondent.NOT_SAID)
    text = models.TextField("What matters")
    anything_else = models.TextField(blank=True)
    collection_link = models.ForeignKey(
        CollectionLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    identifier_flags = models.JSONField(
        default=list, blank=True, help_text="Kinds of identifier the text seems to hold."
    )
    about_you = models.JSONField(
        default=dict,
        blank=True,
        help_text="Answers to the optional 'about you' questions: dimension key to group key.",
    )
    themes = models.ManyToManyField(Theme, through="ResponseTheme", related_name="responses", blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-collected_on", "-created_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def needs_redaction(self) -> bool:
        return bool(self.identifier_flags)


class ResponseTheme(ProjectRecord):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("response", "theme", "response_theme_once")


# --- Co-design ---------------------------------------------------------------------------------


class TeamMember(ProjectRecord):
    """Someone on the co-design team, with or without an account. Partners are named only with consent."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        CARER = "carer", "Carer"
        SERVICE_USER = "service_user", "Service user"
        STAFF = "staff", "Staff"
        EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
        LEAD = "lead", "Project lead"

    LIVED_EXPERIENCE = {Role.PATIENT, Role.CARER, Role.SERVICE_USER}

    role = models.CharField(max_length=20, choices=Role)
    name = models.CharField(
        max_length=120, blank=True, help_text="Leave blank unless they consent to be named."
    )
    consent_to_be_named = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta(TenantModel.Meta):
        ordering = ["role", "created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(name="")
                | Q(consent_to_be_named=True)
                | Q(role__in=["staff", "executive_sponsor", "lead"]),
                name="team_member_named_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_role_display()} partner"

    @property
    def has_lived_experience(self) -> bool:
        return self.role in self.LIVED_EXPERIENCE


class CoDesignSession(ProjectRecord):
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    attendees = models.ManyToManyField(
        TeamMember, through="SessionAttendance", related_name="sessions", blank=True
    )
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    partners = models.ManyToManyField(
        ProjectPartner, through="SessionPartner", related_name="sessions", blank=True
    )

    class Meta(TenantModel.Meta):
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%-d %b %Y})"


class CandidateEvent(ProjectRecord):
    """A possible Always Event, screened on the four criteria; one per project is chosen."""

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, through="CandidateTheme", related_name="candidates", blank=True)
    session = models.ForeignKey(
        CoDesignSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shortlisted = models.BooleanField(default=False)
    chosen = models.BooleanField(default=False)

    class Meta(TenantModel.Meta):
        ordering = ["-chosen", "-shortlisted", "created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["project"], condition=Q(chosen=True), name="one_chosen_event_per_project"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CriterionAssessment(ProjectRecord):
    class Criterion(models.TextChoices):
        IMPORTANT = "important", "Important to patients and families"
        EVIDENCE_BASED = "evidence_based", "Evidence-based"
        MEASURABLE = "measurable", "Measurable"
        AFFORDABLE = "affordable", "Affordable and sustainable"

    class Verdict(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        UNSURE = "unsure", "Unsure"

    candidate = models.ForeignKey(CandidateEvent, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.CharField(max_length=20, choices=Criterion)
    verdict = models.CharField(max_length=10, choices=Verdict, default=Verdict.UNSURE)
    rationale = models.TextField(blank=True)
    evidence_link = models.URLField(blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["candidate", "criterion"], name="one_assessment_per_criterion"),
        ]


class Statement(ProjectRecord):
    """The chosen event's two statements, kept apart: the vision in the patient's words, and the SMART aim."""

    candidate = models.OneToOneField(CandidateEvent, on_delete=models.PROTECT, related_name="statement")
    vision = models.TextField(help_text="In the patient's own words, first person: 'I will always …'")
    aim_what = models.CharField("What", max_length=300)
    aim_for_whom = models.CharField("For whom", max_length=300)
    aim_target_percent = models.PositiveSmallIntegerField("Target (%)")
    aim_by_when = models.DateField("By when")
    aim_time_window = models.CharField("Time window (optional)", max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(aim_target_percent__gte=1, aim_target_percent__lte=100),
                name="aim_target_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.vision[:80]

    @property
    def aim(self) -> str:
        window = f" {self.aim_time_window}," if self.aim_time_window else ""
        return (
            f"{self.aim_what} for {self.aim_for_whom},{window} {self.aim_target_percent}% of the time "
            f"by {self.aim_by_when:%-d %B %Y}"
        )


# --- Test: driver diagram, change ideas, PDSA cycles ----------------------------------------------


class Driver(ProjectRecord):
    """A primary driver of the aim, or a secondary driver under a primary one."""

    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["order", "created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None


class ChangeIdea(ProjectRecord):
    class Origin(models.TextChoices):
        PATIENT = "patient", "Patient"
        CARER = "carer", "Carer"
        STAFF = "staff", "Staff"
        CO_DESIGNED = "co_designed", "Co-designed"

    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        TESTING = "testing", "Testing"
        ADOPTED = "adopted", "Adopted"
        ABANDONED = "abandoned", "Abandoned"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    origin = models.CharField(max_length=20, choices=Origin, default=Origin.CO_DESIGNED)
    status = models.CharField(max_length=20, choices=Status, default=Status.IDEA)
    drivers = models.ManyToManyField(
        Driver, through="ChangeIdeaDriver", related_name="change_ideas", blank=True
    )
    sessions = models.ManyToManyField(
        CoDesignSession, through="ChangeIdeaSession", related_name="change_ideas", blank=True
    )
    partners = models.ManyToManyField(
        ProjectPartner, through="ChangeIdeaPartner", related_name="change_ideas", blank=True
    )

    class Meta(TenantModel.Meta):
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Ramp(ProjectRecord):
    """A series of PDSA cycles testing one change idea, each building on the last."""

    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.PROTECT, related_name="ramps")
    title = models.CharField(max_length=200)

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class PdsaCycle(ProjectRecord):
    """One Plan-Do-Study-Act cycle: every field of the IHI worksheet (DOMAIN.md)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        STUDIED = "studied", "Studied"
        COMPLETE = "complete", "Complete"

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"
        INCREASE_SCALE = "increase_scale", "Increase scale"

    ramp = models.ForeignKey(Ramp, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PLANNED)
    objective = models.TextField()
    plan_who = models.CharField("Who", max_length=300, blank=True)
    plan_what = models.TextField("What", blank=True)
    plan_where = models.CharField("Where", max_length=300, blank=True)
    plan_when = models.CharField("When", max_length=300, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    data_plan = models.TextField("Data plan", blank=True, help_text="Which measure, who collects it, how.")
    do_notes = models.TextField(
        "What happened", blank=True, help_text="What happened, problems, observations."
    )
    study_notes = models.TextField("Study", blank=True, help_text="Learning and surprises.")
    act_decision = models.CharField("Decision", max_length=20, choices=Decision, blank=True)
    next_steps = models.TextField(blank=True)
    partners = models.ManyToManyField(
        ProjectPartner, through="PdsaCyclePartner", related_name="cycles", blank=True
    )

    class Meta(TenantModel.Meta):
        ordering = ["ramp", "number"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["ramp", "number"], name="pdsa_unique_number_in_ramp"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="pdsa_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ramp}: cycle {self.number}"


class PdsaQuestion(ProjectRecord):
    """A question the cycle answers, with its prediction and, once studied, the result."""

    cycle = models.ForeignKey(PdsaCycle, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.TextField()
    prediction = models.TextField()
    result = models.TextField(blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["order", "created_at"]


# --- Conversation --------------------------------------------------------------------------------


class Comment(ProjectRecord):
    """A comment on the project or on one of its records; replies share the thread's root."""

    class Target(models.TextChoices):
        PROJECT = "project", "Project"
        CANDIDATE = "candidate", "Candidate event"
        STATEMENT = "statement", "Statements"
        DRIVER_DIAGRAM = "driver_diagram", "Driver diagram"
        CHANGE_IDEA = "change_idea", "Change idea"
        PDSA_CYCLE = "pdsa_cycle", "PDSA cycle"

    target = models.CharField(max_length=20, choices=Target)
    target_id = models.UUIDField(help_text="The record commented on (the project for project and diagram).")
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["project", "target", "target_id"], name="comment_target"),
            # Dashboards and the project page count each project's open top-level comments; without this the
            # planner ANDs in the thread index, which lists every root comment of every project.
            models.Index(
                fields=["project"],
                condition=Q(thread__isnull=True, resolved_at__isnull=True),
                name="comment_open_root",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Notification(ProjectRecord):
    """Tells one person about a comment: they were mentioned, or it is on a thread they take part in."""

    class Reason(models.TextChoices):
        MENTION = "mention", "mentioned you"
        REPLY = "reply", "replied on a thread you are in"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=10, choices=Reason)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["recipient", "comment"], name="one_notification_per_comment"),
        ]


class SessionAttendance(ProjectRecord):
    session = models.ForeignKey(CoDesignSession, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("session", "member", "session_attendance_once")


class CandidateTheme(ProjectRecord):
    candidate = models.ForeignKey(CandidateEvent, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("candidate", "theme", "candidate_theme_once")


class ChangeIdeaDriver(ProjectRecord):
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="+")
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("change_idea", "driver", "change_idea_driver_once")


class ChangeIdeaSession(ProjectRecord):
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(CoDesignSession, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("change_idea", "session", "change_idea_session_once")


class SessionPartner(ProjectRecord):
    session = models.ForeignKey(CoDesignSession, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(ProjectPartner, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("session", "partner", "session_partner_once")


class ChangeIdeaPartner(ProjectRecord):
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(ProjectPartner, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("change_idea", "partner", "change_idea_partner_once")


class PdsaCyclePartner(ProjectRecord):
    cycle = models.ForeignKey(PdsaCycle, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(ProjectPartner, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = link_constraint("cycle", "partner", "pdsa_cycle_partner_once")
