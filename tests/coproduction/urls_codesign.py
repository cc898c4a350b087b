"""The co-design routes mounted on the base URLconf, so their tests run before the lead wires them in."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    *base,
    path("", include("coproduction.views.codesign")),
    path("api/v1/", include("coproduction.api.codesign")),
]
