from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessLog
from django.contrib import admin

from ecociv.audit.models import AuditLog
from ecociv.audit.present import masks_values

MASKED_FIELDS = ("object_repr", "before", "after", "reason")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_repr", "object_id"]

    # The masking rule of `audit.present` holds here too: a system role reads who, what, when
    # and which object of a business row, never its values, description or reason.
    def get_list_display(self, request):
        if masks_values(request.user, ""):
            return [f for f in self.list_display if f not in MASKED_FIELDS]
        return self.list_display

    def get_fields(self, request, obj=None):
        fields = [f.name for f in AuditLog._meta.fields if f.name != "id"]
        if obj is not None and masks_values(request.user, obj.object_type):
            return [f for f in fields if f not in MASKED_FIELDS]
        return fields

    def get_search_fields(self, request):
        return [f for f in self.search_fields if f != "object_repr"] if masks_values(request.user, "") else \
            self.search_fields

    # Audit rows are evidence: nobody edits or deletes them through the application.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The login audit (django-axes' AccessLog) is evidence in the same way: axes' own admin lets a
# superuser delete its rows; this one only lists them. The lockout counters (AccessAttempt) stay
# deletable — removing one is how an administrator unlocks an account.
if admin.site.is_registered(AccessLog):
    admin.site.unregister(AccessLog)


@admin.register(AccessLog)
class LoginAuditAdmin(AxesAccessLogAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
