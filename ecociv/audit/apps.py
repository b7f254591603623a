from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ecociv.audit"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "审计"
