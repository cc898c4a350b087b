"""Display logic for comments, notifications and the activity timeline, so templates hold none."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.access import Access
from alwaysevents.jinja2 import local_datetime
from alwaysevents.models import AuditEvent
from projects.models import Project
from projects.selectors import records_with_ids

from ..forms.conversation import CommentForm, ReplyForm, ThreadStateForm
from ..mentions import MENTION_HINT, mentionable_names, render_comment_body
from ..models import Comment, Notification
from ..services.conversation import PROJECT_TARGETS, TARGET_MODELS, CommentTarget, comment_page_url

Target = Comment.Target

# The page of each kind of record, to link back to it: (route name, the record's parameter name).
# Kinds with no page yet, or whose route is not wired, link to the project.
RECORD_ROUTES = {
    Target.PROJECT: ("project_detail", None),
    Target.DRIVER_DIAGRAM: ("driver_diagram", None),
    Target.CANDIDATE: ("candidate_detail", "candidate_id"),
    Target.STATEMENT: ("statement_detail", None),
    Target.CHANGE_IDEA: ("idea_detail", "idea_id"),
    Target.PDSA_CYCLE: ("cycle_detail", "cycle_id"),
}


def person_name(user) -> str:
    if user is None:
        return "A former user"
    return user.full_name or user.email


def record_url(*, project: Project, kind: str, record_id) -> str:
    route, parameter = RECORD_ROUTES[kind]
    kwargs = {"project_id": project.pk}
    if parameter:
        kwargs[parameter] = record_id
    try:
        return reverse(route, kwargs=kwargs)
    except NoReverseMatch:
        return project.get_absolute_url()


def target_label(kind: str, record) -> str:
    """'PDSA cycle: Painted bones: cycle 1', 'the project', 'the driver diagram'."""
    if kind == Target.PROJECT:
        return "the project"
    if kind == Target.DRIVER_DIAGRAM:
        return "the driver diagram"
    if record is None:
        return f"a removed {Target(kind).label.lower()}"
    return f"{Target(kind).label}: {record}"


# --- Comments ------------------------------------------------------------------------------------


@dataclass
class CommentPresenter:
    comment: Comment
    mentionable: frozenset[str]

    @property
    def pk(self):
        return self.comment.pk

    @property
    def anchor(self) -> str:
        return f"comment-{self.comment.pk}"

    @property
    def author_name(self) -> str:
        return person_name(self.comment.author)

    @property
    def written_at(self) -> str:
        return local_datetime(self.comment.created_at)

    @property
    def body_html(self) -> SafeString:
        return render_comment_body(self.comment.body, mentionable=self.mentionable)


@dataclass
class ThreadPresenter(CommentPresenter):
    can_comment: bool
    reply_form: ReplyForm | None = None
    label: str = ""
    page_url: str = ""
    state_form: ThreadStateForm = field(init=False)

    def __post_init__(self):
        if self.can_comment and self.reply_form is None:
            self.reply_form = ReplyForm(initial={"thread": self.comment.pk}, thread_id=self.comment.pk)
        self.state_form = ThreadStateForm(version=self.comment.version)

    @property
    def replies(self) -> list[CommentPresenter]:
        return [CommentPresenter(reply, self.mentionable) for reply in self.comment.replies.all()]

    @property
    def reply_count_text(self) -> str:
        count = len(self.comment.replies.all())
        return "No replies" if count == 0 else f"{count} repl{'y' if count == 1 else 'ies'}"

    @property
    def is_resolved(self) -> bool:
        return self.comment.resolved_at is not None

    @property
    def status_tag(self) -> dict:
        if self.is_resolved:
            return {"text": "Resolved", "colour": "green"}
        return {"text": "Open", "colour": "blue"}

    @property
    def resolved_text(self) -> str:
        if not self.is_resolved:
            return ""
        who = person_name(self.comment.resolved_by)
        return f"Resolved by {who} on {local_datetime(self.comment.resolved_at)}"

    @property
    def last_activity(self) -> str:
        return local_datetime(getattr(self.comment, "last_activity", None) or self.comment.created_at)

    @property
    def resolve_url(self) -> str:
        return reverse(
            "comment_resolve", kwargs={"project_id": self.comment.project_id, "comment_id": self.pk}
        )

    @property
    def reopen_url(self) -> str:
        return reverse(
            "comment_reopen", kwargs={"project_id": self.comment.project_id, "comment_id": self.pk}
        )

    @property
    def reply_button_html(self) -> SafeString:
        return format_html(
            'Reply<span class="nhsuk-u-visually-hidden"> to the thread started by {}</span>', self.author_name
        )

    @property
    def state_button_html(self) -> SafeString:
        return format_html(
            '{}<span class="nhsuk-u-visually-hidden"> the thread started by {} on {}</span>',
            "Reopen" if self.is_resolved else "Resolve",
            self.author_name,
            self.written_at,
        )

    @property
    def show_reply_form(self) -> bool:
        return self.can_comment and not self.is_resolved


@dataclass
class CommentPagePresenter:
    """The threads on one record, with the form to start one and a form to reply under each."""

    target: CommentTarget
    access: Access
    threads: list[Comment]
    new_form: CommentForm | None = None
    bound_reply: ReplyForm | None = None

    mention_hint = MENTION_HINT

    def __post_init__(self):
        self.can_comment = self.access.can_comment_on_project(self.project)
        if self.can_comment and self.new_form is None:
            self.new_form = CommentForm()

    @property
    def project(self) -> Project:
        return self.target.project

    @property
    def heading(self) -> str:
        return f"Comments on {target_label(self.target.kind, self.target.record)}"

    @property
    def record_url(self) -> str:
        return record_url(project=self.project, kind=self.target.kind, record_id=self.target.target_id)

    @property
    def record_link_text(self) -> str:
        return f"Back to {target_label(self.target.kind, self.target.record)}"

    @property
    def form_errors(self) -> bool:
        return bool(
            (self.new_form and self.new_form.errors) or (self.bound_reply and self.bound_reply.errors)
        )

    @property
    def error_form(self):
        """The form whose errors the page's summary lists."""
        if self.bound_reply is not None and self.bound_reply.errors:
            return self.bound_reply
        return self.new_form

    def thread_presenters(self) -> list[ThreadPresenter]:
        mentionable = mentionable_names(project=self.project)
        presenters = []
        for thread in self.threads:
            bound = self.bound_reply if self.bound_reply and self.bound_reply.thread_id == thread.pk else None
            presenters.append(
                ThreadPresenter(thread, mentionable, can_comment=self.can_comment, reply_form=bound)
            )
        return presenters

    @property
    def project_comments_url(self) -> str:
        return reverse("project_comments", kwargs={"project_id": self.project.pk})


def thread_labels(*, project: Project, threads: list[Comment]) -> dict:
    """The label of each thread's target: one query per kind of record present."""
    ids_by_kind = defaultdict(set)
    for thread in threads:
        if thread.target not in PROJECT_TARGETS:
            ids_by_kind[thread.target].add(thread.target_id)
    records = {}
    for kind, ids in ids_by_kind.items():
        for record in records_with_ids(project=project, model=TARGET_MODELS[kind], ids=ids):
            records[(kind, record.pk)] = record
    return {
        thread.pk: target_label(thread.target, records.get((thread.target, thread.target_id)))
        for thread in threads
    }


STATUS_FILTERS = {"all": None, "unresolved": False, "resolved": True}


@dataclass
class ProjectCommentsPresenter:
    """Every thread of a project, the unresolved first."""

    project: Project
    access: Access
    page: Page
    status: str

    @property
    def threads(self) -> list[ThreadPresenter]:
        threads = list(self.page.object_list)
        labels = thread_labels(project=self.project, threads=threads)
        mentionable = mentionable_names(project=self.project)
        can_comment = self.access.can_comment_on_project(self.project)
        presenters = []
        for thread in threads:
            presenter = ThreadPresenter(
                thread,
                mentionable,
                can_comment=can_comment,
                label=labels[thread.pk],
                page_url=comment_page_url(thread),
            )
            presenters.append(presenter)
        return presenters

    def status_items(self) -> list[dict]:
        labels = {"all": "All threads", "unresolved": "Open threads", "resolved": "Resolved threads"}
        return [
            {"value": value, "text": text, "checked": value == self.status} for value, text in labels.items()
        ]

    @property
    def can_comment(self) -> bool:
        return self.access.can_comment_on_project(self.project)


# --- Notifications -------------------------------------------------------------------------------


@dataclass
class NotificationPresenter:
    notification: Notification

    @property
    def pk(self):
        return self.notification.pk

    @property
    def is_read(self) -> bool:
        return self.notification.read_at is not None

    @property
    def summary(self) -> str:
        comment = self.notification.comment
        return f"{person_name(comment.author)} {self.notification.get_reason_display()}"

    @property
    def project_title(self) -> str:
        return self.notification.project.title

    @property
    def about(self) -> str:
        return Target(self.notification.comment.target).label

    @property
    def when(self) -> str:
        return local_datetime(self.notification.created_at)

    @property
    def url(self) -> str:
        return comment_page_url(self.notification.comment)

    @property
    def read_button_html(self) -> SafeString:
        return format_html(
            'Mark as read<span class="nhsuk-u-visually-hidden">: {}, {}</span>', self.summary, self.when
        )

    @property
    def read_url(self) -> str:
        return reverse("notification_read", kwargs={"notification_id": self.pk})


# --- Activity timeline ---------------------------------------------------------------------------

# Phrases for actions whose generic wording ("<verb>ed <thing>") would read badly.
ACTION_PHRASES = {
    "project.create": "set up the project",
    "project.update": "updated the project's details",
    "project.move_phase": "moved the project to another phase",
    "project.override_progress_score": "set the project's progress score",
    "candidate.choose": "chose the Always Event",
    "candidate.unchoose": "un-chose the candidate event",
    "candidate.screen": "screened the candidate event",
    "candidate.shortlist": "changed the shortlist for the candidate event",
    "checklist.tick": "ticked a checklist item",
    "checklist.untick": "unticked a checklist item",
    "pdsa_cycle.advance": "moved on the PDSA cycle",
    "comment.create": "started a comment thread",
    "comment.reply": "replied to a comment",
    "comment.resolve": "resolved a comment thread",
    "comment.reopen": "reopened a comment thread",
    "role_grant.create": "gave someone a role on the project",
    "invitation.create": "invited someone to the project",
    "invitation.send": "sent an invitation to the project",
    "invitation.accept": "accepted an invitation to the project",
}
THINGS = {
    "pdsa_cycle": "PDSA cycle",
    "pdsa_question": "PDSA question",
    "candidate": "candidate event",
    "criterion_assessment": "criterion assessment",
    "session": "co-design session",
    "statement": "vision and aim",
}
IRREGULAR_VERBS = {"choose": "chose", "send": "sent", "set": "set", "delete": "removed", "create": "added"}
# Only these records are named in the timeline: their names are titles the team chose. Others (responses,
# comments) would put free text, perhaps a patient's words, in front of everyone who can read the project.
NAMED_OBJECT_TYPES = {
    "projects.project",
    "coproduction.candidateevent",
    "coproduction.changeidea",
    "coproduction.pdsacycle",
    "coproduction.ramp",
    "coproduction.theme",
    "coproduction.driver",
    "coproduction.codesignsession",
    "coproduction.collectionlink",
    "coproduction.teammember",
}


def past_tense(verb: str) -> str:
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb]
    return f"{verb}d" if verb.endswith("e") else f"{verb}ed"


def describe_action(action: str) -> str:
    if action in ACTION_PHRASES:
        return ACTION_PHRASES[action]
    thing, _, verb = action.partition(".")
    words = [past_tense(word) if index == 0 else word for index, word in enumerate(verb.split("_"))]
    return f"{' '.join(words)} {THINGS.get(thing, thing.replace('_', ' '))}"


def field_label(object_type: str, name: str) -> str:
    name = name.removesuffix("_id")
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name.replace("_", " ")


@dataclass
class ActivityEntry:
    event: AuditEvent
    comment_url: str = ""

    @property
    def who(self) -> str:
        if self.event.actor_id is None:
            return "The system" if self.event.system_job else "A former user"
        return person_name(self.event.actor)

    @property
    def what(self) -> str:
        phrase = describe_action(self.event.action)
        if self.event.object_type in NAMED_OBJECT_TYPES and self.event.object_type != "projects.project":
            phrase = f"{phrase} '{self.event.object_repr}'"
        return phrase

    @property
    def when(self) -> str:
        return local_datetime(self.event.occurred_at)

    @property
    def changed(self) -> str:
        action = self.event.action
        if action.endswith(".create") or action.startswith("comment.") or not self.event.changed_fields:
            return ""
        return ", ".join(field_label(self.event.object_type, name) for name in self.event.changed_fields)

    @property
    def sentence(self) -> str:
        return f"{self.who} {self.what}"


def activity_entries(*, project: Project, page: Page) -> list[ActivityEntry]:
    events = list(page.object_list)
    comment_ids = [event.object_id for event in events if event.object_type == "coproduction.comment"]
    comments = {
        str(comment.pk): comment
        for comment in records_with_ids(project=project, model=Comment, ids=comment_ids)
    }
    return [
        ActivityEntry(
            event,
            comment_url=comment_page_url(comments[event.object_id]) if event.object_id in comments else "",
        )
        for event in events
    ]
