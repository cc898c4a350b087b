"""Settings for the test worker: the project's own, with the reports routes mounted (for the email link)."""

from alwaysevents.settings import *  # noqa: F403

ROOT_URLCONF = "tests.reports.urls"
