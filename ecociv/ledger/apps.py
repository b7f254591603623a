from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ecociv.ledger"
    label = "ledger"
    verbose_name = "工作台账"
    default_auto_field = "django.db.models.BigAutoField"
