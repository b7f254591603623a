from django.db import transaction

from ecociv.audit.actions import record, snapshot


class AuditedAdmin:
    """Django admin edits go through the same audit trail as the pages."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            record(user=request.user, action=f"admin.{'update' if change else 'create'}", obj=obj, before=before,
                   after=snapshot(obj), reason="后台管理")

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(user=request.user, action="admin.delete", obj=obj, before=snapshot(obj), reason="后台管理")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record(user=request.user, action="admin.delete", obj=obj, before=snapshot(obj), reason="后台管理")
            super().delete_queryset(request, queryset)
