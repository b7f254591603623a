from django.apps import AppConfig


class EntryConfig(AppConfig):
    name = "ecociv.entry"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "数据填报"
