from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alwaysevents import read_models
        from coproduction import models as coproduction
        from measurement import models as measurement
        from programmes import models as programmes
        from projects.models import Project
        from reports import registry as reports
        from reports.models import ReportRun

        from . import models
        from .selectors import actions_for_reports
        from .selectors_dashboards import projects_showing
        from .services_dashboards import dashboard_entries_refresh
        from .services_packs import pack_render

        # Reports sits below coaching: it renders the pre-call pack and lists the calls' actions in a project
        # report only through what is registered here.
        reports.register_renderer(ReportRun.ScopeKind.CALL, pack_render)
        reports.register_actions(actions_for_reports)

        # The rows a dashboard entry is built from (coaching.selectors_dashboards.dashboard_entries_built).
        read_models.register(
            dashboard_entries_refresh,
            models=[
                Project,
                coproduction.TeamMember,
                coproduction.ResponseTheme,
                coproduction.CandidateEvent,
                coproduction.Statement,
                coproduction.PdsaCycle,
                coproduction.Comment,
                coproduction.ProjectPartner,
                measurement.Measure,
                models.CoachingCall,
                models.MonthlyReturn,
            ],
            shown={
                model: projects_showing
                for model in (
                    programmes.Organisation,
                    programmes.Enrolment,
                    programmes.Cohort,
                    programmes.Programme,
                    programmes.Phase,
                )
            },
        )
