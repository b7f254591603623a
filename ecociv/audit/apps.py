from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_append_only(sender, using, **kwargs):
    # A later migration that rebuilds an audit table on SQLite (ALTER TABLE is a copy there) drops
    # its triggers with the old table; putting them back after every migrate (and every flush)
    # keeps the rule whatever migrations come later. Idempotent.
    from django.db import connections

    from ecociv.audit.immutable import APPEND_ONLY, install

    connection = connections[using]
    if set(APPEND_ONLY) <= set(connection.introspection.table_names()):
        install(connection)


class AuditConfig(AppConfig):
    name = "ecociv.audit"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "审计"

    def ready(self):
        post_migrate.connect(_reinstall_append_only, sender=self, dispatch_uid="ecociv.audit.append_only")
