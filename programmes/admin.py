from django.contrib import admin

from alwaysevents.admin import AuditedAdmin

from .models import Cohort, Enrolment, Organisation, Phase, Programme


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "ods_code", "kind", "provider_type", "system"]
    list_filter = ["kind", "provider_type", "system"]
    search_fields = ["name", "ods_code"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name"]
    inlines = [PhaseInline, CohortInline]


@admin.register(Cohort)
class CohortAdmin(AuditedAdmin):
    list_display = ["name", "programme", "launch_date"]
    list_filter = ["programme"]


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedAdmin):
    list_display = ["organisation", "cohort", "status", "executive_sponsor"]
    list_filter = ["cohort", "status"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    autocomplete_fields = ["organisation"]
