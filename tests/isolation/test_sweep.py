"""The isolation sweep: every named route and every OpenAPI path, requested with organisation A's objects by
people who must not see them (404 or a login redirect, and no A identifiers in the body) and by A's own
team (200, so the sweep cannot pass vacuously). A new route whose parameters have no sample fails here."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.access import Access
from accounts.services import api_token_create
from coaching.models import CallAction, CoachingCall, MonthlyReturn
from coaching.services_packs import pack_request_automatic
from measurement.points import current_period
from measurement.services import measure_create, stratum_points_upsert
from measurement.strata import StratumInput
from programmes.models import Organisation
from reports.models import ReportRun

# One sample for every URL parameter name. Protected samples belong to organisation A (or to A's team member).
SAMPLES = {
    "project_id": lambda world: world.project_a.pk,
    "token_id": lambda world: world.a_member_token.pk,
    "link_id": lambda world: world.records_a.link.pk,
    "response_id": lambda world: world.records_a.response.pk,
    "theme_id": lambda world: world.records_a.theme.pk,
    "member_id": lambda world: world.records_a.member.pk,
    "session_id": lambda world: world.records_a.session.pk,
    "candidate_id": lambda world: world.records_a.candidate.pk,
    "driver_id": lambda world: world.records_a.driver.pk,
    "idea_id": lambda world: world.records_a.idea.pk,
    "ramp_id": lambda world: world.records_a.ramp.pk,
    "cycle_id": lambda world: world.records_a.cycle.pk,
    "comment_id": lambda world: world.records_a.comment.pk,
    "notification_id": lambda world: world.records_a.notification.pk,
    "item_id": lambda world: world.records_a.checklist_item.pk,
    # A measure broken down by group has its own grid, tally, import and API: measure routes are swept with
    # both (see MEASURE_BY_GROUP).
    "measure_id": lambda world: (
        (world.records_a.grouped_measure if world.by_group else world.records_a.measure).pk
    ),
    "mark_id": lambda world: world.records_a.mark.pk,
    "fmt": lambda world: "csv",
    "run_id": lambda world: world.records_a.report_run.pk,
    "call_id": lambda world: world.records_a.call.pk,
    "action_id": lambda world: world.records_a.action.pk,
    "return_id": lambda world: world.records_a.monthly_return.pk,
    # Comments hang off any record: the sweep comments on A's PDSA cycle.
    "target": lambda world: "pdsa_cycle",
    "target_id": lambda world: world.records_a.cycle.pk,
    # The public "What matters to you?" form: anyone with the code may answer; it must not name the project.
    "code": lambda world: world.records_a.link.code,
    # Bearer links: an unknown one must reveal nothing (valid ones are tested in tests/accounts).
    "token": lambda world: "not-a-real-invitation-token",
    "key": lambda world: "not-a-real-key",
    "uidb36": lambda world: "zz",
    # The Django admin (programme admins only).
    "object_id": lambda world: world.org_a.pk,
    "programme_id": lambda world: world.programme.pk,
    "cohort_id": lambda world: world.cohort_1.pk,
    "organisation_id": lambda world: world.org_a.pk,
    "system_id": lambda world: world.system_a.pk,
    "region_id": lambda world: world.region_a.pk,
    "place_id": lambda world: world.place_a.pk,
    "partner_id": lambda world: world.partnership_a.pk,
    "grant_id": lambda world: world.a_partner_staff.grants.get().pk,
    "app_label": lambda world: "programmes",
    "content_type_id": lambda world: ContentType.objects.get_for_model(Organisation).pk,
}
PROTECTED_PARAMETERS = {
    "project_id",
    "token_id",
    "link_id",
    "response_id",
    "theme_id",
    "member_id",
    "session_id",
    "candidate_id",
    "driver_id",
    "idea_id",
    "ramp_id",
    "cycle_id",
    "comment_id",
    "notification_id",
    "target_id",
    "measure_id",
    "mark_id",
    "run_id",
    "call_id",
    "action_id",
    "return_id",
    "organisation_id",
    "system_id",
    "cohort_id",
    "region_id",
    "place_id",
    "partner_id",
    "grant_id",
}

# Reachable without signing in. Everything else must send an anonymous visitor to sign in (or answer 401).
PUBLIC_ROUTES = {
    "healthz",
    "api_schema",
    "api_docs",
    "invitation_accept",
    "public_response",
    "public_response_thanks",
    "account_login",
    "account_signup",
    "account_logout",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "mfa_authenticate",
    "account_signup_by_passkey",
    "account_login_code_confirm",
    "account_confirm_login_code",
    "account_verify_phone",
    "account_confirm_password_reset_code",
    "account_request_login_code",
    "admin:login",
}
# The owner of a protected route, when it is not A's team member.
API_OWNERS = {
    "/api/v1/dashboards/coach/": "coach_1",
    "/api/v1/calls/group/": "coach_1",
    "/api/v1/dashboards/system/": "a_viewer",
    "/api/v1/dashboards/region/": "a_region_viewer",
    "/api/v1/dashboards/programme/": "programme_admin",
    "/api/v1/organisations/{organisation_id}/reports/": "a_admin",
    "/api/v1/systems/{system_id}/reports/": "a_viewer",
    "/api/v1/cohorts/{cohort_id}/reports/": "coach_1",
    "/api/v1/regions/{region_id}/reports/": "a_region_viewer",
    "/api/v1/organisations/": "programme_admin",  # programme admins keep the reference data
    "/api/v1/organisations/{organisation_id}/": "programme_admin",
    "/api/v1/regions/": "programme_admin",
    "/api/v1/regions/{region_id}/": "programme_admin",
    "/api/v1/systems/{system_id}/places/": "programme_admin",
    "/api/v1/places/{place_id}/": "programme_admin",
}
OWNERS = {
    "call_create": "coach_1",  # coaches schedule and record calls
    "call_edit": "coach_1",
    "programme_dashboard_cohort_coaches": "programme_admin",  # programme admins assign coaches and buddies
    "programme_dashboard_project_buddies": "programme_admin",
    "report_request_organisation": "a_admin",  # who may ask for a report of each scope
    "report_request_system": "a_viewer",
    "report_request_cohort": "coach_1",
    "api_organisation_reports": "a_admin",
    "api_system_reports": "a_viewer",
    "api_cohort_reports": "coach_1",
    "report_request_region": "a_region_viewer",  # NHS England's regional team asks for its region's report
    "api_region_reports": "a_region_viewer",
    "organisation_list": "programme_admin",  # programme admins keep the reference data
    "organisation_create": "programme_admin",
    "organisation_edit": "programme_admin",
    "region_list": "programme_admin",
    "region_detail": "programme_admin",
    "place_list": "programme_admin",
    "place_create": "programme_admin",
    "place_detail": "programme_admin",
    "place_edit": "programme_admin",
    "place_delete": "programme_admin",
    "api_organisation_list": "programme_admin",
    "api_organisation_detail": "programme_admin",
    "api_region_list": "programme_admin",
    "api_region_detail": "programme_admin",
    "api_place_list": "programme_admin",
    "api_place_detail": "programme_admin",
}
# Outsiders of A's project: B's people, a partner's staff on A's other project (same lead organisation), a
# partner's staff whose partnership on A's project has ended, and the regional team of B's region.
OUTSIDERS = (
    "b_member",
    "b_buddy",
    "b_viewer",
    "a2_partner_staff",
    "removed_partner_staff",
    "b_region_viewer",
)


@dataclass(frozen=True)
class Route:
    name: str
    parameters: tuple[str, ...]

    @property
    def is_protected(self) -> bool:
        return bool(PROTECTED_PARAMETERS & set(self.parameters))


def all_routes() -> list[Route]:
    """Every named route of the URLconf, namespaced, with the parameter names reverse() needs."""
    return sorted(_named_routes(get_resolver(), ""), key=lambda route: route.name)


def _named_routes(resolver, namespace: str):
    for key, possibilities in resolver.reverse_dict.items():
        if isinstance(key, str):
            yield Route(f"{namespace}{key}", tuple(possibilities[0][0][1]))
    for inner_namespace, (_, inner) in resolver.namespace_dict.items():
        yield from _named_routes(inner, f"{namespace}{inner_namespace}:")


ROUTES = all_routes()
MEASURE_BY_GROUP = "[by group]"
GROUPS_ONLY = ("api_measure_groups", "/groups/")  # a list of groups' rows: only a measure by group has any
ROUTE_CASES = [(route, False) for route in ROUTES if route.name not in GROUPS_ONLY] + [
    (route, True)
    for route in ROUTES
    if "measure_id" in route.parameters and "mark_id" not in route.parameters
]


@pytest.fixture
def sweep_world(world, system_scope):
    world.a_member_token, _ = api_token_create(user=world.a_member, name="sweep")
    project = world.project_a
    run = ReportRun.objects.create(
        organisation=project.organisation,
        project=project,
        scope_kind="project",
        scope_id=project.pk,
        kind="csv",
        requested_by=world.a_member,
        status="done",
        progress=100,
    )
    run.file.save(f"{run.pk}.csv", ContentFile(b"section,item,value\n"), save=True)
    world.records_a.report_run = run
    common = {"organisation": project.organisation, "project": project}
    world.records_a.call = CoachingCall.objects.create(
        **common, kind="coaching", scheduled_for=timezone.make_aware(datetime(2026, 12, 3, 10, 0))
    )
    call = world.records_a.call
    world.records_a.action = CallAction.objects.create(**common, call=call, text="Share the map")
    world.records_a.monthly_return = MonthlyReturn.objects.create(**common, month=date(2026, 10, 1))
    pack_request_automatic(call=call, job="sweep")  # the call's packs list shows the call to its readers
    world.records_a.grouped_measure = _grouped_measure(world)
    world.by_group = False
    return world


def _grouped_measure(world):
    """A measure of A's broken down by deprivation quintile, with one group's row."""
    access = Access.for_user(world.a_member)
    measure = measure_create(
        access=access,
        project=world.project_a,
        name="Uptake by deprivation",
        numerator="People who took it up",
        denominator="People offered it",
        unit="percent",
        stratified_by=["deprivation"],
        starts_on=world.records_a.measure.starts_on,
    )
    week = current_period(measure)
    row = StratumInput(week, {"deprivation": "1"}, Decimal(3), Decimal(9))
    stratum_points_upsert(access=access, measure=measure, points=[row], source="api")
    return measure


def identifiers_of_a(world) -> list[str]:
    return [str(world.project_a.pk), world.project_a.title]


def reverse_with_samples(route: Route, world) -> str:
    missing = [name for name in route.parameters if name not in SAMPLES]
    assert not missing, f"route {route.name} has parameters with no sample in SAMPLES: {missing}"
    return reverse(route.name, kwargs={name: SAMPLES[name](world) for name in route.parameters})


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def assert_reveals_nothing_of_a(response, world, who: str, url: str) -> None:
    body = body_of(response)
    for identifier in identifiers_of_a(world):
        assert identifier not in body, f"{who} saw {identifier!r} of organisation A at {url}"


def assert_sent_to_sign_in(response, url: str) -> None:
    if response.status_code in (401, 403):
        return
    assert response.status_code == 302, f"anonymous GET {url} answered {response.status_code}"
    assert re.match(r"^/(accounts|admin)/login/", response["Location"]), response["Location"]


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def assert_shows_the_object(response, world, parameters, url: str) -> None:
    """The owner's answer names the project or the record asked for, so a 200 is not an empty page."""
    body = body_of(response)
    if response.get("Content-Disposition", "").startswith("attachment"):
        assert body, f"owner downloaded an empty file at {url}"
        return
    expected = [str(SAMPLES[name](world)) for name in parameters if name in PROTECTED_PARAMETERS]
    assert any(identifier in body for identifier in [*expected, str(world.project_a.pk)]), (
        f"owner saw nothing at {url}: {body[:200]}"
    )


def test_every_route_is_swept():
    names = {route.name for route in ROUTES}
    assert {"project_detail", "project_edit", "api_project_detail", "home"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "by_group"),
    ROUTE_CASES,
    ids=[route.name + (MEASURE_BY_GROUP if by_group else "") for route, by_group in ROUTE_CASES],
)
def test_route_is_isolated(route, by_group, sweep_world):
    world = sweep_world
    world.by_group = by_group
    url = reverse_with_samples(route, world)

    anonymous = client_for(None).get(url)
    if route.name not in PUBLIC_ROUTES:
        assert_sent_to_sign_in(anonymous, url)
    assert anonymous.status_code < 500
    assert_reveals_nothing_of_a(anonymous, world, "anonymous", url)

    for persona in OUTSIDERS:
        client = client_for(getattr(world, persona))
        statuses = {}
        for method in ("get", "post") if route.is_protected else ("get",):
            response = getattr(client, method)(url)
            statuses[method] = response.status_code
            assert response.status_code < 500, f"{persona} {method.upper()} {url}: {response.status_code}"
            assert_reveals_nothing_of_a(response, world, persona, url)
        if route.is_protected:
            # 405 is fine for a method the route never takes; the method it does take must answer 404.
            assert set(statuses.values()) <= {404, 405} and 404 in statuses.values(), (
                f"{persona} {url}: {statuses}"
            )

    owner = getattr(world, OWNERS.get(route.name, "a_member"))
    response = client_for(owner).get(url)
    if route.is_protected:
        if response.status_code == 405:  # a POST-only action: the owner may perform it
            response = client_for(owner).post(url)
            # In scope: the action ran (a redirect), or its form answered an empty POST with a message.
            assert response.status_code in (200, 201, 302, 400), f"owner POST {url}: {response.status_code}"
        else:
            assert response.status_code == 200, f"owner GET {url}: {response.status_code}"
            assert_shows_the_object(response, world, route.parameters, url)


def api_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(schema["paths"])


API_PATHS = api_paths()


def test_the_schema_lists_the_project_paths():
    assert "/api/v1/projects/{project_id}/" in API_PATHS


API_CASES = [(path, False) for path in API_PATHS if not path.endswith(GROUPS_ONLY[1])] + [
    (path, True) for path in API_PATHS if "{measure_id}" in path
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "by_group"),
    API_CASES,
    ids=[path + (MEASURE_BY_GROUP if by_group else "") for path, by_group in API_CASES],
)
def test_api_path_is_isolated(path, by_group, sweep_world):
    world = sweep_world
    world.by_group = by_group
    parameters = re.findall(r"{(\w+)}", path)
    missing = [name for name in parameters if name not in SAMPLES]
    assert not missing, f"API path {path} has parameters with no sample in SAMPLES: {missing}"
    url = path
    for name in parameters:
        url = url.replace(f"{{{name}}}", str(SAMPLES[name](world)))
    protected = bool(PROTECTED_PARAMETERS & set(parameters))

    assert Client().get(url).status_code == 401

    for persona in OUTSIDERS:
        _, key = api_token_create(user=getattr(world, persona), name="sweep")
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        response = client.get(url)
        if response.status_code == 405:  # an action that takes only POST must not be found either
            response = client.post(url, {}, content_type="application/json")
        # Out of scope is 404; a list with no object in its path may answer 200 (filtered) or 404 (role only).
        expected = (404,) if protected else (200, 404)
        assert response.status_code in expected, f"{persona} {url}: {response.status_code}"
        assert_reveals_nothing_of_a(response, world, persona, url)

    owner = getattr(world, API_OWNERS.get(path, "a_member"))
    _, key = api_token_create(user=owner, name="owner")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {}, content_type="application/json")
        assert response.status_code in (200, 201, 400, 409), f"owner POST {url}: {response.status_code}"
        return
    assert response.status_code == 200, f"owner GET {url}: {response.status_code}"
    if protected or path.endswith("/projects/"):
        assert_shows_the_object(response, world, parameters, url)
