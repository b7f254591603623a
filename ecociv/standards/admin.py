from django.contrib import admin

from ecociv.audit.admin_mixins import AuditedAdmin
from ecociv.standards.models import Indicator, RegionStandard, RegionTarget, Standard, Target


@admin.register(Standard)
class StandardAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "doc_no", "issued", "scope"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["standard", "code", "name", "unit", "type", "applies_to", "verification"]
    list_filter = ["standard", "type", "verification", "area"]
    search_fields = ["name", "code"]
    inlines = [TargetInline]


@admin.register(RegionStandard)
class RegionStandardAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["region", "year", "standard"]


@admin.register(RegionTarget)
class RegionTargetAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["region", "year", "indicator", "kind", "op", "value", "source_document"]
