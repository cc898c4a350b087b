"""Small helpers every app's views share."""

from django.shortcuts import render


def render_with_form(request, template: str, context: dict, form=None, status: int = 200):
    """Render a page that may hold a form; with errors its title starts "Error: " (NHS error pattern)."""
    context["page_has_errors"] = bool(form is not None and form.errors)
    if form is not None:
        context["form"] = form
    return render(request, template, context, status=status)
