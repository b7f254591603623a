from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    # Rows are append-only in the database (audit/immutable.py), so a deleted user or region cannot
    # blank these columns (SET_NULL would be an UPDATE of the row): deleting one that has audit rows
    # is refused (PROTECT) — accounts are deactivated, not deleted.
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    username = models.CharField("用户名", max_length=150, db_index=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象编号", max_length=80, db_index=True)
    object_repr = models.CharField("对象", max_length=300)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    reason = models.TextField("原因", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "审计记录"
