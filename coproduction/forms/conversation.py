from django import forms

from alwaysevents.forms import VersionedForm

from ..mentions import MENTION_HINT
from ..services.conversation import BODY_MAX_LENGTH

BODY_ERRORS = {
    "required": "Enter your comment",
    "max_length": f"Your comment must be {BODY_MAX_LENGTH} characters or fewer",
}


class CommentForm(forms.Form):
    """Start a thread."""

    body = forms.CharField(
        label="Start a new thread",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=BODY_MAX_LENGTH,
        help_text=MENTION_HINT,
        error_messages=BODY_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "new-comment-%s")
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    """Reply under one thread; its ids are the thread's own, so each reply box on a page has unique ids."""

    thread = forms.UUIDField(widget=forms.HiddenInput)
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=BODY_MAX_LENGTH,
        help_text=MENTION_HINT,
        error_messages=BODY_ERRORS,
    )

    def __init__(self, *args, thread_id, **kwargs):
        kwargs["auto_id"] = f"reply-{thread_id}-%s"
        super().__init__(*args, **kwargs)
        self.thread_id = thread_id


class ThreadStateForm(VersionedForm):
    """Resolve or reopen a thread: only the version it was shown at, so a stale click is refused."""

    return_to = forms.ChoiceField(
        choices=[("record", "record"), ("project", "project")],
        widget=forms.HiddenInput,
        required=False,
    )
