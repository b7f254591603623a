from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "ecociv.standards"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "指标体系"
