from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "ecociv.dashboard"
    label = "dashboard"
    verbose_name = "驾驶舱"
    default_auto_field = "django.db.models.BigAutoField"
