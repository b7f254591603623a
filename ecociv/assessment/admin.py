from django.contrib import admin

from ecociv.assessment.models import RegionYearFact
from ecociv.audit.admin_mixins import AuditedAdmin


@admin.register(RegionYearFact)
class RegionYearFactAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["region", "year", "kind", "code", "state", "source_document", "recorded_by", "recorded_at"]
    list_filter = ["kind", "state", "year"]
    search_fields = ["region__name", "region__code", "code", "source_document"]
