from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ecociv.core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "核心"
