from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from ecociv.audit.admin_mixins import AuditedAdmin
from ecociv.ledger import actions
from ecociv.ledger.models import Activity, Fund, Kind, Letter, Project, RankingRules, Responsibility


@admin.register(Kind)
class KindAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "group", "unit")
    list_filter = ("group",)


class RulesForm(forms.ModelForm):
    upload = forms.FileField(label="规则文件（YAML）", required=False,
                             help_text="格式同内置的 ranking-rules.yaml；上传后即启用并停用旧规则")

    class Meta:
        model = RankingRules
        fields = ("name", "content")
        widgets = {"content": forms.Textarea(attrs={"rows": 20, "cols": 100})}

    def clean(self):
        data = super().clean()
        f = data.get("upload")
        if f:
            data["content"] = f.read().decode("utf-8-sig")
        if not data.get("content"):
            raise forms.ValidationError("请上传规则文件或填写规则内容")
        return data


@admin.register(RankingRules)
class RankingRulesAdmin(admin.ModelAdmin):
    """A new rules file goes through actions.upload_rules: checked, activated, audited."""

    form = RulesForm
    list_display = ("name", "active", "uploaded_by", "uploaded_at")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            saved = actions.upload_rules(by=request.user, name=form.cleaned_data["name"],
                                         content=form.cleaned_data["content"])
        except (actions.LedgerError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            raise forms.ValidationError(str(exc)) from None
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        raise PermissionDenied("考核规则留作记录，不能删除；上传新规则即替换")


for model, display in ((Project, ("name", "region", "year", "category", "status", "planned", "completed")),
                       (Fund, ("name", "source", "region", "year", "budget")),
                       (Activity, ("title", "kind", "region", "year", "date", "count")),
                       (Responsibility, ("title", "lead_department", "region", "year", "deadline", "progress")),
                       (Letter, ("title", "parties", "region", "year", "signed_on"))):
    admin.site.register(model, type(f"{model.__name__}Admin", (AuditedAdmin, admin.ModelAdmin), {
        "list_display": display, "list_filter": ("year",), "search_fields": (display[0],)}))
