"""A test-only URLconf mounting the coaching pages and API before the lead wires them into the project."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    *base,
    path("", include("coaching.views")),
    path("api/v1/", include("coaching.api")),
]
