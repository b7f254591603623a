from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ecociv.web"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "界面"
