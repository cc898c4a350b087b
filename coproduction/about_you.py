"""The optional "about you" questions a collection link may ask, so that themes can be counted by group
(issue 10; docs/coproduction.md, "About you"). The questions are the programme's dimensions, each answered
with one of its groups or "Prefer not to say"; a question left unanswered is not stored. There is no free
text, so nothing here can identify anyone.

Never asked: the deprivation quintile, because nobody can tell theirs without giving their postcode, and no
postcode or anything finer than place is ever asked. A place question offers the places of the project's
integrated care system, so a project outside a system with places cannot ask it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from programmes.models import Dimension, Place
from projects.models import Project

PREFER_NOT_TO_SAY = "prefer-not-to-say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
NOT_ANSWERED = "not-answered"  # a column of the counts, never stored
NOT_ANSWERED_LABEL = "Not answered"
NEVER_ASKED = {
    "deprivation": (
        "The deprivation quintile cannot be asked: people cannot tell theirs without giving their postcode, "
        "and no postcode, nor anything finer than place, is ever asked"
    ),
}


@dataclass(frozen=True)
class Question:
    key: str
    name: str
    groups: tuple[tuple[str, str], ...]

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return (*self.groups, (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL))

    def accepts(self, answer: str) -> bool:
        return answer in dict(self.choices)


def askable_questions(project: Project) -> list[Question]:
    """Every question a collection link of `project` may ask, in the programme's order."""
    dimensions = Dimension.objects.filter(programme_id=project.enrolment.cohort.programme_id).order_by(
        "position"
    )
    questions = []
    for dimension in dimensions:
        if dimension.key in NEVER_ASKED:
            continue
        if dimension.from_places:
            groups = tuple((str(place.pk), place.name) for place in _places_of(project))
        else:
            groups = tuple((str(group), str(label)) for group, label in dimension.strata)
        if groups:
            questions.append(Question(dimension.key, dimension.name, groups))
    return questions


def _places_of(project: Project) -> list[Place]:
    organisation = project.organisation
    system_id = organisation.pk if organisation.is_system else organisation.system_id
    return list(Place.objects.filter(system_id=system_id).order_by("name")) if system_id else []


def questions_asked(project: Project, keys) -> list[Question]:
    """The questions with these keys, in the programme's order (keys the programme no longer has: none)."""
    wanted = set(keys)
    return [question for question in askable_questions(project) if question.key in wanted]


def check_link_questions(project: Project, keys: list[str]) -> list[str]:
    """The keys a new collection link may ask, in the programme's order, or ValidationError on about_you."""
    askable = {question.key for question in askable_questions(project)}
    dimensions = Dimension.objects.filter(programme_id=project.enrolment.cohort.programme_id)
    names = dict(dimensions.values_list("key", "name"))
    for key in keys:
        if key in NEVER_ASKED:
            raise ValidationError({"about_you": NEVER_ASKED[key]})
        if key not in names:
            raise ValidationError({"about_you": f"There is no 'about you' question called '{key}'"})
        if key not in askable:
            raise ValidationError(
                {
                    "about_you": f"'{names[key]}' has no groups for this project (a place question needs "
                    "the places of the project's system), so it cannot be asked"
                }
            )
    return [question.key for question in questions_asked(project, keys)]


def check_answers(questions: list[Question], answers: dict) -> dict:
    """The answers to keep (a blank one means not answered), or ValidationError on about_you naming the
    first problem: a question not asked, or an answer that is not one of the question's groups."""
    by_key = {question.key: question for question in questions}
    kept = {}
    for key, answer in answers.items():
        if answer in ("", None):
            continue
        question = by_key.get(key)
        if question is None:
            raise ValidationError({"about_you": f"'{key}' is not one of the questions asked here"})
        if not isinstance(answer, str) or not question.accepts(answer):
            message = f"Choose one of the answers to '{question.name}', or '{PREFER_NOT_TO_SAY_LABEL}'"
            raise ValidationError({"about_you": message})
        kept[key] = answer
    return kept
