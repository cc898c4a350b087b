from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production"
    default_auto_field = "django.db.models.BigAutoField"
