"""The account page (API tokens), invitations and their acceptance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .adapters import INVITATION_SESSION_KEY
from .forms import ApiTokenForm, InvitationForm
from .models import ApiToken
from .selectors import api_tokens_of, invitation_targets, invitations_sent_by
from .services import (
    InvitationError,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    invitation_for_token,
)


@require_GET
def account(request):
    return _render_account(request, ApiTokenForm())


def _render_account(request, form, new_key: str | None = None, status: int = 200):
    context = {
        "tokens": api_tokens_of(user=request.user),
        "form": form,
        "new_key": new_key,
        "grants": request.access.grants,
        "page_has_errors": bool(form.errors),
    }
    return render(request, "accounts/account.jinja", context, status=status)


@require_POST
def api_token_new(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_account(request, form, status=400)
    _, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    return _render_account(request, ApiTokenForm(), new_key=key)


@require_POST
def api_token_delete(request, token_id):
    try:
        token = api_token_revoke(user=request.user, token_id=token_id)
    except (ApiToken.DoesNotExist, ValueError) as error:
        raise Http404("No such token") from error
    messages.success(request, f"Token '{token.name}' revoked")
    return redirect("account")


@require_http_methods(["GET", "POST"])
def invitation_new(request):
    if not request.access.can_invite:
        raise Http404("You cannot invite people")
    form = InvitationForm(request.POST or None, targets=invitation_targets(access=request.access))
    if request.method == "POST" and form.is_valid():
        role, target = form.role_and_target()
        invitation = invitation_create(
            access=request.access, email=form.cleaned_data["email"], role=role, target=target
        )
        messages.success(request, f"Invitation sent to {invitation.email}")
        return redirect("invitation_create")
    context = {
        "form": form,
        "sent": invitations_sent_by(user=request.user),
        "page_has_errors": bool(form.errors),
    }
    return render(request, "accounts/invitation_create.jinja", context, status=400 if form.errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_respond(request, token):
    try:
        invitation = invitation_for_token(token)
    except InvitationError as error:
        return render(request, "accounts/invitation_invalid.jinja", {"reason": str(error)}, status=404)
    if not request.user.is_authenticated:
        request.session[INVITATION_SESSION_KEY] = token
        return render(request, "accounts/invitation_accept.jinja", {"invitation": invitation, "signup": True})
    if request.method == "POST":
        try:
            grant = invitation_accept(invitation=invitation, user=request.user)
        except InvitationError as error:
            return render(request, "accounts/invitation_invalid.jinja", {"reason": str(error)}, status=400)
        messages.success(request, f"You are now {grant.describe()}")
        return redirect(reverse("home"))
    return render(request, "accounts/invitation_accept.jinja", {"invitation": invitation, "signup": False})
