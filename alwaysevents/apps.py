from django.apps import AppConfig


class AlwayseventsConfig(AppConfig):
    name = "alwaysevents"
    verbose_name = "Always Events core"
    default_auto_field = "django.db.models.BigAutoField"
