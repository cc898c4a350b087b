"""The URLconf with the conversation pages and API mounted, until the lead includes them in the real one."""

from django.urls import include, path

from alwaysevents.urls import urlpatterns as base

urlpatterns = [
    path("", include("coproduction.views.conversation")),
    path("api/v1/", include("coproduction.api.conversation")),
    *base,
]
