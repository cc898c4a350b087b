"""Test-only URLconf: the whole site plus the discovery pages and API, until the lead wires them in."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    path("", include("coproduction.views.discovery")),
    path("", include("coproduction.views.public")),
    path("api/v1/", include("coproduction.api.discovery")),
    *base,
]
