"""A test-only URLconf mounting the Test-phase pages and API before the lead wires them into the project."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    *base,
    path("", include("coproduction.views.improvement")),
    path("api/v1/", include("coproduction.api.improvement")),
]
