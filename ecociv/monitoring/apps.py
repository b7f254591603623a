from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ecociv.monitoring"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "监测数据"

    def ready(self):
        from ecociv.core.backup import register_file_references

        from .stored import file_references

        # Uploads are named in MonitoringRun.files (JSON), not a FileField: backups and their
        # verification count them among the files the database refers to.
        register_file_references(file_references)
