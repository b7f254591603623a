"""Audit rows cannot be changed or deleted by any role or path (issue 15, must-hold 10): not in the
admin (not even a superuser), not through the API, and not in the database itself — on SQLite and
PostgreSQL a trigger refuses UPDATE and DELETE of audit rows from any code. The login audit (axes'
AccessLog) likewise, except the sign-out time axes fills in once."""
import pytest
from axes.models import AccessLog
from django.core.management.sql import emit_post_migrate_signal
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from ecociv.audit.immutable import uninstall
from ecociv.audit.models import AuditLog
from ecociv.conftest import PASSWORD
from ecociv.regions.actions import update_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(world):
    update_region(world.county, {"terrain": "hill"}, by=world.admin, reason="普查更正")
    return AuditLog.objects.get(action="region.update")


def refused(fn):
    with pytest.raises(IntegrityError, match="审计记录不可修改或删除"), transaction.atomic():
        fn()


def test_the_database_refuses_every_change_and_delete_of_an_audit_row(row):
    def save_changed():
        row.reason = "改写"
        row.save()

    refused(save_changed)
    refused(lambda: AuditLog.objects.filter(pk=row.pk).update(after={"terrain": "plain"}))
    refused(lambda: AuditLog.objects.filter(pk=row.pk).delete())
    refused(lambda: AuditLog.objects.all().delete())
    with connection.cursor() as cur:
        refused(lambda: cur.execute("DELETE FROM audit_auditlog"))
        refused(lambda: cur.execute("UPDATE audit_auditlog SET username = %s", ["someone"]))
    row.refresh_from_db()
    assert row.reason == "普查更正" and row.after["terrain"] == "hill" and AuditLog.objects.count() >= 1
    AuditLog.objects.create(username="x", action="x.test", object_type="x", object_id="1", object_repr="x")


def test_a_user_or_region_with_audit_rows_cannot_be_deleted(row, world):
    with pytest.raises(ProtectedError), transaction.atomic():
        world.admin.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        world.county.delete()
    row.refresh_from_db()
    assert row.user_id == world.admin.pk and row.region_id is not None


def test_the_admin_is_read_only_for_audit_rows_even_for_a_superuser(client, row):
    from ecociv.accounts.models import User

    client.force_login(User.objects.create_superuser("root", password="Root#2026pass"))
    base = "/admin/audit/auditlog/"
    page = client.get(base).content.decode()
    assert "delete_selected" not in page and f"{base}add/" not in page
    assert client.get(f"{base}add/").status_code == 403
    view = client.get(f"{base}{row.pk}/change/")
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    assert client.post(f"{base}{row.pk}/change/", {"reason": "改写", "username": "x"}).status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}).status_code != 500
    row.refresh_from_db()
    assert row.reason == "普查更正" and AuditLog.objects.filter(pk=row.pk).exists()


def test_the_api_has_no_write_for_audit_rows(client, world, row):
    world.login(client, world.city_admin)
    schema = client.get("/api/v1/openapi.json").json()
    writes = [(m, p) for p, ops in schema["paths"].items() for m in ops
              if ("audit" in p or "history" in p) and m != "get"]
    assert writes == []
    assert any("history" in p for p in schema["paths"])  # the read that exists
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/audit/{row.pk}").status_code in (404, 405)
    assert AuditLog.objects.filter(pk=row.pk, reason="普查更正").exists()


def test_login_audit_keeps_its_rows_and_only_gains_the_sign_out_time(client, world):
    from ecociv.accounts.models import User

    assert client.post("/accounts/login/", {"username": world.admin.username, "password": PASSWORD}).status_code == 302
    entry = AccessLog.objects.get(username=world.admin.username)
    assert entry.logout_time is None
    client.post("/accounts/logout/")
    entry.refresh_from_db()
    assert entry.logout_time is not None  # the one change axes makes, allowed
    refused(lambda: AccessLog.objects.filter(pk=entry.pk).update(logout_time=None))
    refused(lambda: AccessLog.objects.filter(pk=entry.pk).update(username="someone"))
    refused(lambda: AccessLog.objects.filter(pk=entry.pk).delete())
    client.force_login(User.objects.create_superuser("root", password="Root#2026pass"))
    assert client.post(f"/admin/axes/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk, username=world.admin.username).exists()


def test_the_triggers_come_back_after_every_migrate(row):
    # A later migration that rebuilds the table on SQLite drops its triggers; post_migrate restores
    # them. (The test's own transaction puts everything back afterwards.)
    uninstall(connection)
    with transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(reason="无触发器时可以改")
        transaction.set_rollback(True)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    refused(lambda: AuditLog.objects.filter(pk=row.pk).delete())


def test_a_column_a_later_migration_adds_to_the_login_audit_is_covered_too(client, world):
    """The sign-out time is the one column that may be filled in; a column added later (an axes
    upgrade) must not become writable: after the migrate that adds it, changing it is refused."""
    assert client.post("/accounts/login/", {"username": world.admin.username, "password": PASSWORD}).status_code == 302
    entry = AccessLog.objects.get(username=world.admin.username)
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE axes_accesslog ADD COLUMN later_note varchar(20) NULL")
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    with connection.cursor() as cur:
        refused(lambda: cur.execute("UPDATE axes_accesslog SET later_note = 'x' WHERE id = %s", [entry.pk]))
        cur.execute("UPDATE axes_accesslog SET logout_time = CURRENT_TIMESTAMP WHERE id = %s", [entry.pk])
