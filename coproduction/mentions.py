"""@mentions in comments, and the people a comment may mention.

The rule, shown beside every comment box (`MENTION_HINT`): "@" followed by the part of a person's email
address before its "@" (``@sam.jones`` for sam.jones@nhs.net), in any case, and only among the people who
can read the project. A mention of anyone else is ignored: it notifies nobody and is not highlighted, so a
comment never tells an outsider about the project, nor tells the commenter who else has an account.
"""

import re

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Role, RoleGrant, User
from projects.models import Project

MENTION_HINT = (
    "To mention someone, type @ and the first part of their email address, for example @sam.jones for "
    "sam.jones@nhs.net. Only people who can see this project can be mentioned; they are sent a notification."
)

# "@" not inside a word or an email address, then a local part that does not end with sentence punctuation.
MENTION = re.compile(r"(?<![\w.%+@-])@([A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])")


def people_who_can_read_project(*, project: Project) -> QuerySet[User]:
    """Active people whose role grants let them read `project`: the same rule as `Access.can_read_project`
    (docs/authorization.md), asked from the project's side."""
    cohort = project.enrolment.cohort
    organisation = project.organisation
    viewed_systems = [organisation.pk] + ([organisation.system_id] if organisation.system_id else [])
    grants = RoleGrant.objects.filter(
        Q(role__in=[Role.TEAM_MEMBER, Role.PARTNER, Role.BUDDY], project=project)
        | Q(role__in=[Role.COACH, Role.PROGRAMME_ADMIN], programme_id=cohort.programme_id)
        | Q(role=Role.COACH, cohort_id=cohort.pk)
        | Q(role=Role.ORGANISATION_ADMIN, organisation_id=organisation.pk)
        | Q(role=Role.SYSTEM_VIEWER, organisation_id__in=viewed_systems)
    )
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("email")


def mentioned_names(body: str) -> set[str]:
    """The email local parts mentioned in `body`, lower-cased."""
    return {match.lower() for match in MENTION.findall(body)}


def mentioned_people(*, project: Project, body: str) -> list[User]:
    """The readers of `project` that `body` mentions; mentions of anyone else are dropped."""
    names = mentioned_names(body)
    if not names:
        return []
    matches = Q()
    for name in names:
        matches |= Q(email__startswith=f"{name}@")
    return list(people_who_can_read_project(project=project).filter(matches))


def mentionable_names(*, project: Project) -> frozenset[str]:
    """The email local parts of everyone who can read `project`: the mentions worth highlighting."""
    emails = people_who_can_read_project(project=project).values_list("email", flat=True)
    return frozenset(email.split("@", 1)[0].lower() for email in emails)


def render_comment_body(body: str, *, mentionable: frozenset[str]) -> SafeString:
    """The comment as HTML: every character escaped, line breaks kept, real mentions highlighted."""
    parts = []
    position = 0
    for match in MENTION.finditer(body):
        if match.group(1).lower() not in mentionable:
            continue
        parts.append(escape(body[position : match.start()]))
        parts.append(f'<strong class="ae-mention">{escape(match.group(0))}</strong>')
        position = match.end()
    parts.append(escape(body[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>\n")
    return mark_safe(html)  # noqa: S308 - every piece of the comment was escaped above
