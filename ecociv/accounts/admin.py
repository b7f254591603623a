from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ecociv.accounts.models import Department, User
from ecociv.audit.admin_mixins import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "region", "department", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("业务范围", {"fields": ("display_name", "role", "region", "department")}))
    raw_id_fields = ["region", "department"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "region", "code"]
    search_fields = ["name"]
