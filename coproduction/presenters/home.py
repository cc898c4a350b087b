"""The home page: the projects a person can see, grouped by why they can see them."""

from dataclasses import dataclass, field

from accounts.access import Access

from .projects import ProjectPresenter


@dataclass
class HomeSection:
    heading: str
    caption: str
    description: str = ""
    projects: list[ProjectPresenter] = field(default_factory=list)


@dataclass
class HomePresenter:
    access: Access
    projects: list

    @property
    def greeting(self) -> str:
        user = self.access.user
        return f"Welcome, {user.full_name}" if user.full_name else "Welcome"

    @property
    def lede(self) -> str:
        return "Always Events: what matters to patients, carers and families, happening every time."

    @property
    def sections(self) -> list[HomeSection]:
        access = self.access
        rules = [
            (
                HomeSection("Your projects", "Projects whose team you are on"),
                lambda p: p.pk in access.team_project_ids,
            ),
            (
                HomeSection(
                    "Projects you buddy",
                    "Projects you are the Always Event Buddy of",
                    "Read their plans and comment on them.",
                ),
                lambda p: p.pk in access.buddy_project_ids,
            ),
            (
                HomeSection("Projects you coach", "Projects in the cohorts you coach"),
                lambda p: (
                    p.enrolment.cohort_id in access.coached_cohort_ids
                    or p.enrolment.cohort.programme_id in access.coached_programme_ids
                ),
            ),
            (
                HomeSection("Your organisation's projects", "Projects of the organisations you administer"),
                lambda p: p.organisation_id in access.administered_organisation_ids,
            ),
            (
                HomeSection("Your system's projects", "System-wide projects and member providers' projects"),
                lambda p: (
                    p.organisation_id in access.viewed_system_ids
                    or p.organisation.system_id in access.viewed_system_ids
                ),
            ),
            (
                HomeSection("Programme", "Every project in the programmes you run"),
                lambda p: p.enrolment.cohort.programme_id in access.administered_programme_ids,
            ),
        ]
        sections = []
        for section, belongs in rules:
            section.projects = [ProjectPresenter(p, access) for p in self.projects if belongs(p)]
            if section.projects:
                sections.append(section)
        return sections

    @property
    def is_empty(self) -> bool:
        return not self.access.grants
