from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "ecociv.extraction"
    verbose_name = "旧文档读取"
    default_auto_field = "django.db.models.BigAutoField"
