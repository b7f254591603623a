from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ecociv.reports"
    label = "reports"
    verbose_name = "报告生成"
    default_auto_field = "django.db.models.BigAutoField"
