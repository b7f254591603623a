from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "ecociv.assessment"
    label = "assessment"
    verbose_name = "达标评估"
    default_auto_field = "django.db.models.BigAutoField"
