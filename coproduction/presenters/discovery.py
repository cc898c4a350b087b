"""Display logic for "Discover what matters", so templates hold none.

The one rule that matters most lives here: the words of a response flagged as holding an identifier are shown
to the project's team only (so they can redact them); everyone else sees that they are hidden.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.urls import reverse
from markupsafe import Markup, escape
from qrcode.image.svg import SvgPathImage

from ..identifiers import identifier_labels
from ..models import CollectionLink, Response
from ..selectors.discovery import ThemeGroupTable, response_themes

HIDDEN_TEXT = "Hidden until the team removes identifying details"


def text_is_visible(response: Response, *, can_edit: bool) -> bool:
    return can_edit or not response.needs_redaction


@dataclass
class ResponsePresenter:
    response: Response
    can_edit: bool

    def __getattr__(self, name):
        return getattr(self.response, name)

    @property
    def is_hidden(self) -> bool:
        return not text_is_visible(self.response, can_edit=self.can_edit)

    @property
    def display_text(self) -> str:
        return HIDDEN_TEXT if self.is_hidden else self.response.text

    @property
    def display_anything_else(self) -> str:
        return "" if self.is_hidden else self.response.anything_else

    @property
    def flag_warning(self) -> str:
        """What the team is told about a flagged response ("" when it looks clean)."""
        labels = identifier_labels(self.response.identifier_flags)
        if not labels:
            return ""
        listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
        return f"This may contain {listed}. Only the team can see it until it is redacted."

    @property
    def theme_names(self) -> list[str]:
        return [theme.name for theme in response_themes(self.response)]

    @property
    def summary(self) -> str:
        parts = [self.response.get_method_display(), self.response.get_respondent_display()]
        if self.response.setting:
            parts.append(self.response.setting)
        return " · ".join(parts)

    @property
    def edit_url(self) -> str:
        return reverse(
            "response_edit", kwargs={"project_id": self.response.project_id, "response_id": self.response.pk}
        )

    @property
    def themes_url(self) -> str:
        return reverse(
            "response_themes",
            kwargs={"project_id": self.response.project_id, "response_id": self.response.pk},
        )


def public_url(link: CollectionLink) -> str:
    return settings.SITE_URL + link.get_public_url()


@dataclass
class LinkPresenter:
    link: CollectionLink

    def __getattr__(self, name):
        return getattr(self.link, name)

    @property
    def public_url(self) -> str:
        return public_url(self.link)

    @property
    def status(self) -> str:
        return "Open" if self.link.is_open else "Closed"

    @property
    def status_colour(self) -> str:
        return "green" if self.link.is_open else "grey"

    @property
    def poster_url(self) -> str:
        return reverse("link_poster", kwargs={"project_id": self.link.project_id, "link_id": self.link.pk})

    @property
    def toggle_url(self) -> str:
        return reverse("link_toggle", kwargs={"project_id": self.link.project_id, "link_id": self.link.pk})

    @property
    def toggle_label(self) -> str:
        return "Close this form" if self.link.is_open else "Open this form again"

    @property
    def qr_svg(self) -> Markup:
        return qr_code_svg(self.public_url, title=f"QR code for {self.public_url}")


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')
_SIZE_ATTRIBUTES = re.compile(r'\s(?:width|height)="[^"]*"')


def qr_code_svg(data: str, *, title: str) -> Markup:
    """A QR code as inline SVG markup: one path, sized by the stylesheet, named for screen readers. The CSP
    forbids inline styles, so any style attribute the library might write is removed."""
    image = qrcode.make(data, image_factory=SvgPathImage, error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = _STYLE_ATTRIBUTE.sub("", image.to_string(encoding="unicode"))
    opening, rest = svg.split(">", 1)
    opening = _SIZE_ATTRIBUTES.sub("", opening)
    return Markup(  # noqa: S704 - the QR library's own SVG; the one text put in is escaped
        f'{opening} class="ae-poster__qr" role="img" aria-labelledby="poster-qr-title">'
        f'<title id="poster-qr-title">{escape(title)}</title>{rest}'
    )


def page_query(querydict, page_number: int) -> str:
    """The list's query string with another page number, so paging keeps the filters."""
    params = [(key, value) for key, values in querydict.lists() if key != "page" for value in values]
    return "?" + urlencode([*params, ("page", page_number)])


SUPPRESSED = "Suppressed"


@dataclass
class ThemeGroupTablePresenter:
    """The themes' counts by group as table cells: a suppressed count reads "Suppressed"."""

    table: ThemeGroupTable

    def __getattr__(self, name):
        return getattr(self.table, name)

    @staticmethod
    def _shown(count: int | None) -> str:
        return SUPPRESSED if count is None else f"{count:,}"

    @property
    def caption(self) -> str:
        return f"Responses in each theme by {self.table.question.name.lower()}"

    @property
    def headings(self) -> list[str]:
        return ["Theme", *(label for _key, label in self.table.columns), "Total"]

    @property
    def body(self) -> list[tuple[str, list[str]]]:
        return [
            (row.theme.name, [*map(self._shown, row.cells), self._shown(row.total)])
            for row in self.table.rows
        ]

    @property
    def totals(self) -> list[str]:
        return [*map(self._shown, self.table.column_totals), self._shown(self.table.grand_total)]

    @property
    def rule(self) -> str:
        """Why some counts are hidden, or who sees them hidden (the team sees its own)."""
        if self.table.threshold is None:
            return (
                "These are your team's own counts. Buddies, coaches and system and regional viewers see "
                f"counts from 1 to {settings.SUPPRESSION_THRESHOLD} suppressed, and as many others as stop a "
                "suppressed count being worked out from the totals."
            )
        return (
            f"Counts from 1 to {self.table.threshold} are suppressed so that nobody can be recognised, and "
            "so are as many others as stop a suppressed count being worked out from the totals and the other "
            "counts. The project's team sees its own counts."
        )
