"""The programme dashboard's small forms: assign a person by email, or remove one."""

from django import forms

from accounts.models import User


class AssignForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Choose a suggested person or type the email address of anyone with an account.",
        error_messages={
            "required": "Enter the email address of the person to assign",
            "invalid": "Enter an email address like name@nhs.net",
        },
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise forms.ValidationError(
                "No one with that email address has an account: invite them first, then assign them"
            )
        if not user.is_active:
            raise forms.ValidationError("That person's account is switched off")
        self.user = user
        return email


class RemoveForm(forms.Form):
    user = forms.UUIDField(widget=forms.HiddenInput)

    def clean_user(self):
        user = User.objects.filter(pk=self.cleaned_data["user"]).first()
        if user is None:
            raise forms.ValidationError("That person no longer has an account")
        return user
