from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts import views as accounts_views
from coproduction.views import home as home_views

from . import views

admin.site.site_header = "Always Events programme admin"
admin.site.site_title = "Always Events admin"
# The admin signs in through allauth, so its login has the same rate limits and two-step verification.
admin.site.login = secure_admin_login(admin.site.login)

api_v1 = [
    path("me/", accounts_api.MeApi.as_view(), name="api_me"),
    path("", include("coproduction.api.urls")),
    path("", include("measurement.api")),
    path("", include("reports.api")),
    path("", include("coaching.api")),
    path("", include("coaching.api_dashboards")),
    path("", include("programmes.api_geography")),
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("coproduction.urls")),
    path("", include("measurement.views_overview")),
    path("", include("measurement.views")),
    path("", include("reports.views")),
    path("", include("coaching.views")),
    path("", include("coaching.views_dashboards")),
    path("", include("programmes.views_geography")),
    path("account/", accounts_views.account, name="account"),
    path("account/tokens/", accounts_views.api_token_new, name="api_token_create"),
    path("account/tokens/<uuid:token_id>/revoke/", accounts_views.api_token_delete, name="api_token_revoke"),
    path("invitations/new/", accounts_views.invitation_new, name="invitation_create"),
    path("invitations/<str:token>/", accounts_views.invitation_respond, name="invitation_accept"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    path(
        "api/docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
]
