"""Lets Django templates (allauth's screens) render inside our one Jinja layout, and draw form fields
the NHS.UK way, so there is a single page layout to maintain."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


class NhsPageNode(template.Node):
    child_nodelists = ("title_nodelist", "body_nodelist")

    def __init__(self, title_nodelist, body_nodelist):
        self.title_nodelist = title_nodelist
        self.body_nodelist = body_nodelist

    def render(self, context) -> str:
        form = context.get("form")
        page = {
            "page_title": self.title_nodelist.render(context).strip(),
            "page_content": mark_safe(self.body_nodelist.render(context)),  # noqa: S308 - rendered by Django, escaped there
            "page_has_errors": bool(getattr(form, "errors", None)),
        }
        return render_to_string("django_page.jinja", page, request=context.get("request"), using="jinja2")


@register.tag
def nhs_page(parser, token):
    """{% nhs_page %}title{% nhs_page_content %}body{% end_nhs_page %}"""
    title_nodelist = parser.parse(("nhs_page_content",))
    parser.delete_first_token()
    body_nodelist = parser.parse(("end_nhs_page",))
    parser.delete_first_token()
    return NhsPageNode(title_nodelist, body_nodelist)


@register.filter
def nhs_widget(field):
    """The field's widget with the NHS.UK classes and the hint and error ids it is described by."""
    kind = field.widget_type
    css = {"checkbox": "nhsuk-checkboxes__input", "textarea": "nhsuk-textarea", "select": "nhsuk-select"}.get(
        kind, "nhsuk-input"
    )
    if field.errors:
        css += f" {css}--error" if kind != "checkbox" else ""
    described_by = " ".join(
        part
        for part, present in (
            (f"{field.auto_id}-hint", field.help_text),
            (f"{field.auto_id}-error", field.errors),
        )
        if present
    )
    attrs = {"class": css}
    if described_by:
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)
