"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros."""

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import BaseLoader, ChainableUndefined, ChoiceLoader, Environment, PackageLoader, TemplateNotFound


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def local_datetime(value, fmt: str = "%-d %B %Y at %-I:%M%p") -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt).replace("AM", "am").replace("PM", "pm")


def long_date(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""


class JinjaFilesOnly(BaseLoader):
    """templates/ also holds the Django templates of allauth's screens (.html); Jinja loads only .jinja."""

    def __init__(self, loader: BaseLoader):
        self.loader = loader

    def get_source(self, environment, template):
        if not template.endswith(".jinja"):
            raise TemplateNotFound(template)
        return self.loader.get_source(environment, template)


def environment(**options) -> Environment:
    options["loader"] = ChoiceLoader(
        [JinjaFilesOnly(options["loader"]), PackageLoader("nhsuk_frontend_jinja")]
    )
    # The NHS.UK macros read optional nested parameters; chained undefined values must render as empty.
    options["undefined"] = ChainableUndefined
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    # `static` names files (a hashed name in production); `static_url` is the prefix, for the NHS.UK
    # template's asset folder, which no manifest lists.
    env.globals.update({"static": static, "static_url": settings.STATIC_URL, "url": url})
    env.filters.update({"local_datetime": local_datetime, "long_date": long_date, "naturaltime": naturaltime})
    return env
