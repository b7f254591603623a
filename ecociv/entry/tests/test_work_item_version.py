"""A free-form work item's form carries a version like a value's (issue 15 item 7): two people
with the same form open — the second save overwrites nothing and says who changed what."""
import pytest
from django.urls import reverse

from ecociv.audit.models import AuditLog
from ecociv.entry.models import TaskItem

pytestmark = pytest.mark.django_db


def test_a_stale_work_item_form_overwrites_nothing_and_names_the_change(client, world, env_task):
    item = TaskItem.objects.create(task=env_task, title="组织开展生态文明宣传月活动", order=99)
    url = reverse("entry:item_save", args=[env_task.pk, item.pk])
    page = client.get(reverse("entry:task", args=[env_task.pk]))
    assert page.status_code == 302  # not logged in yet
    client.force_login(world.filler)
    html = client.get(reverse("entry:task", args=[env_task.pk])).content.decode()
    assert f'id="f{item.pk}"' in html and 'name="version" value="0"' in html

    client.post(url, {"done": "1", "note": "已开展 3 场", "version": "0"})
    item.refresh_from_db()
    assert item.done is True and item.version == 1

    client.force_login(world.admin)  # opened the same form before the filler saved
    body = client.post(url, {"done": "0", "note": "未开展", "version": "0"}, follow=True).content.decode()
    item.refresh_from_db()
    assert item.done is True and item.note == "已开展 3 场" and item.version == 1
    assert "您的修改未保存" in body and "已开展 3 场" in body and str(world.filler) in body
    assert AuditLog.objects.filter(action="task_item.save", object_id=str(item.pk)).count() == 1

    client.post(url, {"done": "0", "note": "改为未完成", "version": "1"})  # on the latest form it saves
    item.refresh_from_db()
    assert item.done is False and item.version == 2
