"""草稿 → 已提交 → 已审核/已退回, locks, reopen by a higher level, bulk approve, history."""
import pytest
from django.core.exceptions import PermissionDenied

from ecociv.audit.models import AuditLog
from ecociv.conftest import make_user
from ecociv.core.roles import Role
from ecociv.entry.actions.review import approve_task, approve_values, reopen_value, return_value, submit_task
from ecociv.entry.actions.values import save_value
from ecociv.entry.errors import EntryError, SubmitBlocked
from ecociv.entry.models import IndicatorValue, TaskStatus, ValueStatus

from .conftest import YEAR, fill_all, item

pytestmark = pytest.mark.django_db


def value(task, code):
    return IndicatorValue.objects.get(region=task.region, year=YEAR, indicator__code=code,
                                      indicator__standard__code="national-2019")


def test_submit_is_blocked_by_blocking_checks(client, world, env_task):
    fill_all(env_task, world.filler, evidence=False)
    client.force_login(world.filler)
    resp = client.post(f"/entry/tasks/{env_task.pk}/submit/")
    assert resp.status_code == 422 and "须上传佐证材料" in resp.content.decode()
    assert not IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED).exists()


def test_submit_is_blocked_by_missing_values(world, env_task):
    with pytest.raises(SubmitBlocked, match="尚未填写数值|请选择是否完成"):
        submit_task(env_task, by=world.filler)


def test_full_cycle_return_fix_approve_lock(client, world, env_task):
    fill_all(env_task, world.filler)
    client.force_login(world.filler)
    assert client.post(f"/entry/tasks/{env_task.pk}/submit/").status_code == 302
    env_task.refresh_from_db()
    assert env_task.status == TaskStatus.SUBMITTED
    v27 = value(env_task, "27")
    assert v27.status == ValueStatus.SUBMITTED
    # The filler can no longer change a submitted value.
    with pytest.raises(EntryError, match="等待审核"):
        save_value(env_task, v27.indicator, by=world.filler, raw="99")

    client.force_login(world.reviewer)
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "return", "value_id": v27.pk, "reason": ""})
    assert value(env_task, "27").status == ValueStatus.SUBMITTED  # a return needs a reason
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "return", "value_id": v27.pk,
                                                         "reason": "与监测报告不一致，请核对"})
    v27.refresh_from_db()
    env_task.refresh_from_db()
    assert v27.status == ValueStatus.RETURNED and env_task.status == TaskStatus.RETURNED
    assert "与监测报告不一致" in client.get(f"/entry/tasks/{env_task.pk}/").content.decode()

    client.force_login(world.filler)
    it = item(env_task, "27")
    client.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "99.2", "note": "按监测报告更正"})
    client.post(f"/entry/tasks/{env_task.pk}/submit/")
    assert value(env_task, "27").status == ValueStatus.SUBMITTED

    client.force_login(world.reviewer)
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "approve_all"})
    env_task.refresh_from_db()
    assert env_task.status == TaskStatus.APPROVED
    v27 = value(env_task, "27")
    assert v27.status == ValueStatus.APPROVED and v27.locked and v27.reviewed_by == world.reviewer
    # Locked: neither the filler nor the same-level reviewer can change or reopen it.
    with pytest.raises(EntryError, match="已锁定"):
        save_value(env_task, v27.indicator, by=world.filler, raw="50")
    with pytest.raises(PermissionDenied):
        reopen_value(v27, by=world.reviewer, reason="想改")
    with pytest.raises(EntryError):
        return_value(v27, by=world.reviewer, reason="想改")
    # History: who, what, when, why.
    html = client.get(f"/entry/values/{v27.pk}/history/").content.decode()
    for text in ("jia_filler", "jia_reviewer", "退回", "与监测报告不一致，请核对", "审核通过（锁定）", "99.2"):
        assert text in html
    actions_done = list(AuditLog.objects.filter(object_type="entry.indicatorvalue", object_id=str(v27.pk))
                        .order_by("id").values_list("action", flat=True))
    assert actions_done[-4:] == ["value.return", "value.save", "value.submit", "value.approve"]


def test_only_a_higher_level_reopens_with_a_reason(client, world, env_task):
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    approve_task(env_task, by=world.reviewer)
    v = value(env_task, "27")
    with pytest.raises(EntryError, match="书面理由"):
        reopen_value(v, by=world.city_admin, reason=" ")
    with pytest.raises(PermissionDenied):
        reopen_value(v, by=world.admin, reason="同级不行")
    superior = make_user("jia_superior", Role.SUPERIOR_REVIEWER, world.county)
    client.force_login(world.city_admin)
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "reopen", "value_id": v.pk, "reason": "省级抽查发现口径不一致"})
    v.refresh_from_db()
    assert v.status == ValueStatus.RETURNED and v.review_reason == "省级抽查发现口径不一致"
    assert AuditLog.objects.get(action="value.reopen").username == "city_admin"
    # A superior reviewer may reopen values of their own region too.
    save_value(env_task, v.indicator, by=world.filler, raw="99")
    submit_task(env_task, by=world.filler)
    approve_values([v], by=world.reviewer)
    reopen_value(v, by=superior, reason="复核")
    assert value(env_task, "27").status == ValueStatus.RETURNED


def test_bulk_approve_selected_values(client, world, env_task):
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    ids = [value(env_task, c).pk for c in ("27", "14")]
    client.force_login(world.reviewer)
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "approve", "value": ids})
    assert set(IndicatorValue.objects.filter(status=ValueStatus.APPROVED).values_list("pk", flat=True)) == set(ids)
    env_task.refresh_from_db()
    assert env_task.status == TaskStatus.SUBMITTED


def test_approval_is_all_or_nothing(world, env_task):
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    v1, v2 = value(env_task, "27"), value(env_task, "14")
    return_value(v2, by=world.reviewer, reason="补充材料")
    with pytest.raises(EntryError):
        approve_values([v1, v2], by=world.reviewer)
    assert value(env_task, "27").status == ValueStatus.SUBMITTED


def test_filler_cannot_approve(world, env_task):
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    with pytest.raises(PermissionDenied):
        approve_task(env_task, by=world.filler)


def test_city_reviews_a_county_bottom_up(world, env_task):
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    assert approve_task(env_task, by=world.city_admin) == env_task.items.count()
