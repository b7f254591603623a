from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "ecociv.regions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "行政区划"
