from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from ecociv.core.roles import WRITE_ROLES, Role


class Department(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="departments")
    name = models.CharField("名称", max_length=100)
    code = models.CharField("编码", max_length=40, blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_per_region")]
        verbose_name = verbose_name_plural = "部门"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey("regions.Region", verbose_name="管辖区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey(Department, verbose_name="部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")
    display_name = models.CharField("姓名", max_length=50, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # Why the user must set a password before anything else ("" = only if expired by age).
    password_change_required = models.CharField("须修改密码", max_length=10, blank=True, default="",
                                                choices=[("new", "新账户"), ("reset", "管理员重置")])

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.password_change_required = ""  # nosec B105  # a label or the documented development/demo password, not a secret


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so a change cannot go back to one of them
    (accounts/passwords.py, PASSWORD_HISTORY)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class TokenScope(models.TextChoices):
    READ = "read", "只读"
    WRITE = "write", "读写"


class ApiToken(models.Model):
    """Bearer token for the API; only its sha256 is stored, so a leaked database
    does not leak working tokens. A revoked token keeps its row (who, when) for the record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField("权限", max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} 的 API 令牌（{self.name}）"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
