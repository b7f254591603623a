from django.contrib import admin

from ecociv.audit.admin_mixins import AuditedAdmin
from ecociv.regions.models import Region, RegionLink


@admin.register(Region)
class RegionAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "admin_class", "zone", "terrain", "valid_from", "valid_to"]
    list_filter = ["level", "admin_class", "zone", "terrain"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(RegionLink)
class RegionLinkAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["child", "parent", "valid_from", "valid_to"]
    raw_id_fields = ["child", "parent"]
