from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ecociv.accounts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "用户与部门"
