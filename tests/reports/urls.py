"""Mounts the reports pages and API until the lead includes them in the project's URLconf."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    *base,
    path("", include("reports.views")),
    path("api/v1/", include("reports.api")),
]
