from django.contrib import admin

from ecociv.entry.models import IndicatorValue


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "indicator", "value", "achieved", "status", "source"]
    list_filter = ["year", "status", "source"]

    # Values change only through the entry workflow's actions (checks, locks, history).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
