"""The public "What matters to you?" form: no login, reached by a collection link's code (poster, QR code).

- It shows only the organisation's name and the setting, never the project's title or id.
- A closed link answers a polite "This form is closed" page with status 200: the form may open again, and
  nothing about the request was wrong.
- A filled honeypot field gets the thank-you page and stores nothing; more than PUBLIC_SUBMISSIONS_PER_WINDOW
  posts from one address within the window get a polite 429 page.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.discovery import HONEYPOT_FIELD, PUBLIC_RESPONDENTS, PublicResponseForm
from ..selectors.discovery import collection_link_for_code, public_questions_of
from ..services.discovery import LinkClosed, public_rate_limited, public_response_submit


def _render(request, template: str, link, *, status: int = 200, **context):
    context.update(link=link, organisation_name=link.organisation.name)
    return render(request, f"coproduction/public/{template}", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def public_response(request, code):
    link = collection_link_for_code(code=code)
    if not link.is_open:
        return _render(request, "closed.jinja", link)
    form = PublicResponseForm(
        request.POST or None, question=link.question, questions=public_questions_of(link)
    )
    if request.method == "POST":
        if public_rate_limited(address=request.META.get("REMOTE_ADDR", "")):
            return _render(request, "too_many.jinja", link, status=429)
        thanks = redirect(reverse("public_response_thanks", kwargs={"code": link.code}))
        if request.POST.get(HONEYPOT_FIELD):
            return thanks  # a bot filled the field people are asked to leave empty: pretend, store nothing
        if form.is_valid():
            try:
                public_response_submit(
                    link=link,
                    text=form.cleaned_data["text"],
                    anything_else=form.cleaned_data["anything_else"],
                    respondent=form.cleaned_data["respondent"],
                    about_you=form.about_you_answers(),
                )
            except LinkClosed:
                return _render(request, "closed.jinja", link)
            return thanks
    return _render(
        request,
        "form.jinja",
        link,
        form=form,
        respondents=PUBLIC_RESPONDENTS,
        honeypot_field=HONEYPOT_FIELD,
        page_has_errors=bool(form.errors),
    )


@login_not_required
@require_GET
def public_response_thanks(request, code):
    link = collection_link_for_code(code=code)
    return _render(request, "thanks.jinja", link)


urlpatterns = [
    path("r/<str:code>/", public_response, name="public_response"),
    path("r/<str:code>/thanks/", public_response_thanks, name="public_response_thanks"),
]
