"""The Django admin is the programme admin's screen for now: only programme admins reach it, and every
change made there is audited like any other write."""

from django.contrib import admin

from .audit import audit
from .models import AuditEvent


def _is_programme_admin(request) -> bool:
    return request.user.is_active and (request.user.is_superuser or request.access.is_programme_admin)


admin.site.has_permission = _is_programme_admin


class AuditedAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _is_programme_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_programme_admin(request)

    def has_add_permission(self, request):
        return _is_programme_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_programme_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _is_programme_admin(request)

    def log_addition(self, request, obj, message):
        audit(actor=request.user, action=f"{obj._meta.model_name}.create", obj=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        changed = [name for entry in message for name in entry.get("changed", {}).get("fields", [])]
        audit(actor=request.user, action=f"{obj._meta.model_name}.update", obj=obj, changed=changed)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit(actor=request.user, action=f"{obj._meta.model_name}.delete", obj=obj)
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor", "system_job", "action", "object_repr", "organisation"]
    list_filter = ["action", "organisation"]
    search_fields = ["object_repr", "action", "actor__email"]
    date_hierarchy = "occurred_at"

    def has_module_permission(self, request):
        return _is_programme_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_programme_admin(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
