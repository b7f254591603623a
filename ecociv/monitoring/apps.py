from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ecociv.monitoring"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "监测数据"
