"""A test-only URLconf mounting the programmes pages and API before the lead wires them into the project."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    *base,
    path("", include("programmes.views")),
    path("api/v1/", include("programmes.api")),
]
