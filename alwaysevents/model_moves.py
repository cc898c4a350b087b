"""For migrations that move a model to another app without moving its rows (SeparateDatabaseAndState)."""


def relabel_moved_models(apps, *, models: list[str], old: str, new: str) -> None:
    """Content types (so permissions and admin history follow the models) and audit events of the moved
    models, from app `old` to app `new`. A content type the new app already has (made by a migrate run in
    between) is kept, and the old one left alone."""
    content_type = apps.get_model("contenttypes", "ContentType")
    have = content_type.objects.filter(app_label=new, model__in=models).values_list("model", flat=True)
    content_type.objects.filter(app_label=old, model__in=models).exclude(model__in=list(have)).update(
        app_label=new
    )
    audit_event = apps.get_model("alwaysevents", "AuditEvent")
    for model in models:
        audit_event.objects.filter(object_type=f"{old}.{model}").update(object_type=f"{new}.{model}")
