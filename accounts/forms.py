from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What the token is for, for example 'weekly data upload'.",
        error_messages={"required": "Enter a name for the token"},
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    grant = forms.ChoiceField(label="Role", error_messages={"required": "Choose the role to invite them to"})

    def __init__(self, *args, targets: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {f"{role}:{target.pk}": (role, target) for role, _, target in targets}
        self.fields["grant"].choices = [("", "Choose a role")] + [
            (f"{role}:{target.pk}", label) for role, label, target in targets
        ]

    def role_and_target(self):
        return self.targets[self.cleaned_data["grant"]]
