"""The built-in account commands act as (`--as USERNAME` or the system account). Reaches the user
model through Django's `get_user_model()`, so any app's command may use it."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from ecociv.core.roles import Role

SYSTEM_USERNAME = "system"


def system_user():
    """The server operator's account for commands: cannot log in (no usable password,
    inactive), appears by name in the audit rows of what the commands change."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_active": False, "role": Role.SYSADMIN, "display_name": "系统（命令行）"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def operator(username: str | None):
    """`--as USERNAME` for commands; default the built-in system account."""
    if not username:
        return system_user()
    from django.core.management.base import CommandError

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在")
    return user
