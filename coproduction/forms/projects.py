from django import forms

from alwaysevents.forms import VersionedForm
from programmes.models import Phase
from projects.models import Project


class ProjectForm(VersionedForm):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the project's title"})
    area_of_focus = forms.CharField(
        max_length=200,
        help_text="The service or pathway, for example children's outpatients.",
        error_messages={"required": "Enter the area of focus"},
    )
    phase = forms.ModelChoiceField(queryset=Phase.objects.none(), empty_label=None)

    def __init__(self, *args, project: Project, **kwargs):
        initial = {"title": project.title, "area_of_focus": project.area_of_focus, "phase": project.phase}
        super().__init__(*args, initial=initial, version=project.version, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(
            programme_id=project.enrolment.cohort.programme_id
        )
