"""The Making Data Count variation and assurance icons, drawn by us as small accessible SVGs."""

from functools import cache
from html import escape

# icon: (fill, letter, label)
VARIATION = {
    "common_cause": ("#768692", "~", "Common cause variation: no significant change"),
    "improvement_high": ("#41b6e6", "H", "Special cause variation: improvement (higher values)"),
    "improvement_low": ("#41b6e6", "L", "Special cause variation: improvement (lower values)"),
    "concern_high": ("#ed8b00", "H", "Special cause variation: concern (higher values)"),
    "concern_low": ("#ed8b00", "L", "Special cause variation: concern (lower values)"),
    "neutral_high": (
        "#7c2855",
        "H",
        "Special cause variation: neither improvement nor concern (higher values)",
    ),
    "neutral_low": (
        "#7c2855",
        "L",
        "Special cause variation: neither improvement nor concern (lower values)",
    ),
}
ASSURANCE = {
    "pass": ("#41b6e6", "P", "The target will be met consistently"),
    "fail": ("#ed8b00", "F", "The target will not be met without a change to the process"),
    "inconsistent": ("#768692", "?", "The target will be met some weeks and missed others"),
}


@cache  # a handful of icons and sizes; a dashboard draws two hundred of them
def _icon(fill: str, letter: str, label: str, size: int) -> str:
    return (
        f'<svg role="img" aria-label="{escape(label)}" width="{size}" height="{size}" viewBox="0 0 40 40" '
        f'class="ae-icon"><title>{escape(label)}</title>'
        f'<circle cx="20" cy="20" r="18" fill="white" stroke="{fill}" stroke-width="4"/>'
        f'<text x="20" y="27" text-anchor="middle" font-family="Arial" font-weight="bold" font-size="20" '
        f'fill="{fill}">{escape(letter)}</text></svg>'
    )


def variation_icon_svg(icon: str | None, size: int = 40) -> str:
    return _icon(*VARIATION[icon], size) if icon in VARIATION else ""


def assurance_icon_svg(icon: str | None, size: int = 40) -> str:
    return _icon(*ASSURANCE[icon], size) if icon in ASSURANCE else ""


def variation_label(icon: str | None) -> str:
    return VARIATION[icon][2] if icon in VARIATION else ""


def assurance_label(icon: str | None) -> str:
    return ASSURANCE[icon][2] if icon in ASSURANCE else ""
