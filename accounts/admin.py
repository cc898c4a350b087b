from django.contrib import admin

from alwaysevents.admin import AuditedAdmin

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    raw_id_fields = ["project"]
    fields = ["role", "programme", "cohort", "organisation", "project"]


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ["email", "full_name", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active"]
    inlines = [RoleGrantInline]
