"""The audit log as people read it: Chinese action names, field labels instead of keys, before →
after as a list of changes — and the one rule for what the system roles see of business values.

Everything that shows or exports audit rows (the audit page, its .xlsx export, a value's
history, the admin) goes through `present(entry, viewer)`.

**Masking rule (三员分立).** The system administrator, security administrator and audit
administrator (`core.roles.has_system_role`) read who did what, when, to which object (its
type, number and region) and which fields changed. For business objects (everything outside
accounts and tokens) they do not see the values before and after, the object's description (it
can quote a figure) or the reason text: those read 「已隐藏」. Account records — the objects
their own work is about — are shown to them in full. Business users see everything in their
scope (`audit.scope.visible_audit`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from ecociv.core.fmt import number

HIDDEN = "已隐藏"
EMPTY = "（空）"

# Object types whose rows the system roles read in full: their own domain (accounts, rights, tokens).
NON_BUSINESS_TYPES = ("accounts.", "auth.", "axes.")

ACTION_LABELS = {
    "value.save": "保存数值", "value.update": "修改数值", "value.submit": "提交数值", "value.approve": "审核通过（锁定）",
    "value.return": "退回修改", "value.reopen": "重新打开", "value.import": "导入数值", "value.compute": "监测计算写入",
    "value.extract": "文档识别写入", "evidence.add": "上传佐证材料", "evidence.remove": "删除佐证材料",
    "task.create": "分配填报任务", "task.submit": "提交填报任务", "task.add_items": "追加任务指标",
    "task_item.save": "保存工作事项", "indicator.correct": "校正指标", "standard.create": "载入指标体系",
    "standard.update": "更新指标体系", "region_standard.set": "设定区划指标体系", "region.create": "新建区划",
    "region.update": "修改区划", "region_target.override": "设定地方目标", "region_target.assigned": "设定上级下达目标",
    "assessment.veto": "记录否决情形", "assessment.precondition": "记录前提条件", "monitoring.run": "监测数据评价",
    "extraction.upload": "上传识别文档", "extraction.process": "识别文档", "extraction.accept": "采纳识别数据",
    "extraction.reject": "拒绝识别数据", "extraction.reopen": "重新审阅识别数据", "user.create": "新建账户",
    "user.enable": "启用账户", "user.disable": "停用账户", "user.reset_password": "重置密码", "user.grant": "授予角色与范围",  # nosec B105  # a label or the documented development/demo password, not a secret
    "user.password_change": "修改密码", "token.create": "创建 API 令牌", "token.revoke": "撤销 API 令牌",
    "import.check": "预检导入文件", "import.start": "开始导入", "import.rerun": "重新开始导入",
    "import.finish": "导入完成", "import.fail": "导入失败", "monitoring.finish": "监测评价完成",
    "monitoring.fail": "监测评价失败", "report.start": "开始生成报告", "report.finish": "报告生成完成",
    "report.fail": "报告生成失败",
    "monitoring.feed": "监测结果写入指标", "admin.create": "后台新建", "admin.update": "后台修改", "admin.delete": "后台删除", "demo.load": "载入演示数据",
}
VERBS = {"create": "新建", "update": "修改", "delete": "删除", "save": "保存", "submit": "提交", "approve": "审核通过",
         "return": "退回", "reopen": "重新打开", "import": "导入", "set": "设定", "add": "添加", "remove": "删除",
         "grant": "授权", "revoke": "撤销", "accept": "采纳", "reject": "拒绝", "upload": "上传", "run": "运行",
         "feed": "写入", "override": "覆盖", "login": "登录", "logout": "退出", "enable": "启用", "disable": "停用"}
TYPE_LABELS = {"demo": "演示数据", "system": "系统"}

# Keys that are not model fields (snapshots written by the actions) — labelled here.
EXTRA_LABELS = {
    "file": "文件", "files": "文件", "sha256": "校验值", "size": "大小（字节）", "type": "类型", "name": "名称",
    "checks": "检查提示", "override": "放行（未通过阻止性检查）", "fed": "写入记录", "total": "行数",
    "draft": "导入为草稿", "task": "任务", "state": "状态",
    "values": "数值条数", "facts": "识别条数", "masked": "遮蔽数字", "indicators": "指标",
    "kind": "类别", "standard": "指标体系", "year": "年度", "done": "已完成", "note": "说明", "parameters": "参数",
    "rerun_of": "重新运行自", "lineage": "计算来源", "quote": "原文", "status": "状态", "targets": "目标值",
    "region_class": "适用类别", "op": "比较", "value": "数值", "text": "文字目标", "region": "区划",
    "department": "部门", "role": "角色", "username": "用户名", "display_name": "姓名", "is_active": "启用",
    "review_reason": "审核意见", "achieved": "是否完成", "source": "来源", "created": "新建条数",
    "password_changed_at": "密码修改时间", "reason": "原因", "accounts": "账户", "regions": "区划",  # nosec B105  # a label or the documented development/demo password, not a secret
    "error": "错误信息", "stage": "进度", "rows": "结果行数", "bad_rows": "有问题的数据行数", "engine": "计算引擎",
    "updated": "更新条数", "unchanged": "未变条数", "locked": "已锁定未变条数", "format": "格式", "batch": "批量生成",
    "recorded_by": "记录人", "updated_by": "修改人", "reviewed_by": "审核人", "created_by": "创建人", "parent": "上级区划",
}
VALUE_LABELS = {"city": "市", "county": "县", "both": "市、县", "binding": "约束性", "reference": "参考性",
                "higher": "越高越好", "lower": "越低越好", "qualitative": "定性", ">=": "≥", "<=": "≤", "text": "文字",
                "override": "地方目标", "assigned": "上级下达", "air": "空气", "water": "水", "true": "是", "false": "否",
                "region": "区划", "department": "部门", "province": "省"}


@dataclass
class Row:
    """One audit row as shown: every string already in Chinese (or masked)."""
    entry: object
    at: object
    who: str
    action: str
    object_type: str
    object_label: str
    region: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    reason: str = ""
    masked: bool = False
    kind: str = "change"  # create (nothing before) · delete (nothing after) · change

    @property
    def changed_fields(self) -> str:
        return "、".join(dict.fromkeys(label for label, _, _ in self.changes))


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    head, _, verb = action.rpartition(".")
    return f"{_type_label_from_prefix(head)}·{VERBS.get(verb, '操作')}" if head else "其他操作"


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@lru_cache(maxsize=1)
def _status_labels() -> dict[str, str]:
    """A `status` code outside its model's row (a nested state) → the label of the first
    installed model whose status field has that choice (the apps register their models; the
    audit log imports none of them)."""
    out: dict[str, str] = {}
    for model in apps.get_models():
        try:
            f = model._meta.get_field("status")
        except FieldDoesNotExist:
            continue
        for code, label in getattr(f, "flatchoices", None) or ():
            out.setdefault(str(code), str(label))
    return out


def type_label(object_type: str) -> str:
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return TYPE_LABELS.get(object_type, "其他对象")


def _type_label_from_prefix(prefix: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == prefix.replace("_", "") or model.__name__.lower() == prefix.replace("_", ""):
            return str(model._meta.verbose_name)
    return TYPE_LABELS.get(prefix, "对象")


def field_label(model, key: str) -> str:
    if model is not None:
        try:
            label = str(getattr(model._meta.get_field(key), "verbose_name", key))
            if label != key.replace("_", " "):  # Django's default from the name: not a label
                return label
        except FieldDoesNotExist:
            pass
    return EXTRA_LABELS.get(key, "其他")


CODE_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")  # an internal code such as major_incident


def show_value(model, key: str, v) -> str:
    if v is None or v == "" or v == [] or v == {}:
        return EMPTY
    if isinstance(v, bool):
        return "是" if v else "否"
    if key == "lineage":
        return "已记录"
    if isinstance(v, dict):
        return "；".join(f"{field_label(None, k)}：{show_value(None, k, x)}" for k, x in v.items())
    if isinstance(v, list):
        return "、".join(show_value(model, key, x) for x in v)
    if model is not None:
        try:
            f = model._meta.get_field(key)
            if not hasattr(f, "verbose_name"):  # a reverse relation named like a snapshot key
                raise FieldDoesNotExist(key)
            choices = dict(f.flatchoices) if getattr(f, "choices", None) else None
            if choices and v in choices:
                return str(choices[v])
            if f.is_relation and f.related_model is not None and isinstance(v, int | str):
                related = f.related_model._default_manager.filter(pk=v).first()
                return str(related) if related is not None else "（已删除）"
        except (FieldDoesNotExist, ValueError):
            pass
    if key == "status" and v in _status_labels():
        return _status_labels()[v]
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return number(Decimal(str(v)))
    if isinstance(v, str):
        if key in ("value", "size") or v.replace(".", "", 1).lstrip("-").isdigit():
            try:
                return number(Decimal(v))
            except InvalidOperation:
                pass
        if "T" in v and v[:4].isdigit() and v[4:5] == "-":  # an ISO date-time
            return v[:16].replace("T", " ")
        if v in VALUE_LABELS:
            return VALUE_LABELS[v]
        return "（代码）" if CODE_RE.match(v) else v
    return str(v)


def masks_values(viewer, object_type: str) -> bool:
    """The one rule: a system role does not see business values (see the module docstring)."""
    from ecociv.core.roles import has_system_role

    return has_system_role(viewer) and not object_type.startswith(NON_BUSINESS_TYPES)


def kind_of(entry) -> str:
    return "create" if entry.before is None and entry.after is not None else \
        "delete" if entry.after is None and entry.before is not None else "change"


def present(entry, viewer) -> Row:
    model = _model(entry.object_type)
    masked = masks_values(viewer, entry.object_type)
    before = entry.before if isinstance(entry.before, dict) else ({} if entry.before is None else {"value": entry.before})
    after = entry.after if isinstance(entry.after, dict) else ({} if entry.after is None else {"value": entry.after})
    changes = []
    for key in list(before) + [k for k in after if k not in before]:
        if key in ("id", "pk"):
            continue
        b, a = before.get(key), after.get(key)
        if b == a and entry.before is not None and entry.after is not None:
            continue
        label = field_label(model, key)
        shown_b = show_value(model, key, b) if key in before else EMPTY
        shown_a = show_value(model, key, a) if key in after else EMPTY
        if shown_b == shown_a and entry.before is not None and entry.after is not None:
            continue
        if kind_of(entry) == "create" and shown_a == EMPTY:
            continue
        changes.append((label, HIDDEN, HIDDEN) if masked else (label, shown_b, shown_a))
    region = entry.region.name if entry.region_id and entry.region else ""
    tlabel = type_label(entry.object_type)
    ident = entry.object_id if entry.object_id.isdigit() else ""
    obj = f"{tlabel} {ident}".strip() if masked else (entry.object_repr or f"{tlabel} {ident}".strip())
    kind = kind_of(entry)
    return Row(entry=entry, at=entry.at, who=entry.username if entry.username != "system" else "系统",
               action=action_label(entry.action), object_type=tlabel, object_label=obj, region=region,
               changes=changes, reason=(HIDDEN if masked and entry.reason else entry.reason), masked=masked, kind=kind)


def action_choices(codes) -> list[tuple[str, str]]:
    """(code, label) pairs for the filter, sorted by label."""
    return sorted({(c, action_label(c)) for c in codes}, key=lambda p: p[1])


def type_choices(codes) -> list[tuple[str, str]]:
    return sorted({(c, type_label(c)) for c in codes}, key=lambda p: p[1])
