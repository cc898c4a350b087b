"""The audit log: one row for every write, by a person or by a named system job."""

import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Append-only. A cross-tenant log read by programme admins, so it is not a tenant model;
    `organisation` records whose data the write touched (docs/adr/001-tenancy.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    system_job = models.CharField(max_length=100, blank=True, help_text="Set when no person made the change.")
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    project_id = models.UUIDField(
        null=True, blank=True, help_text="The project the write belongs to, if any."
    )
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["project_id", "-occurred_at"], name="audit_project_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(system_job=""),
                name="audit_has_actor_or_system_job",
            ),
        ]

    def __str__(self) -> str:
        who = self.actor or self.system_job or "a deleted user"
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_repr}"
