"""Scope proved from outside through HTTP: other region/department → 404, read-only → 403,
on pages, API, downloads and exports."""
import pytest

from ecociv.accounts.models import Department
from ecociv.conftest import make_user
from ecociv.core.roles import Role
from ecociv.entry.actions.evidence import add_evidence
from ecociv.entry.actions.values import save_value

from .conftest import PDF, ind, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, env_task, housing_task):
    ev = add_evidence(env_task, ind(env_task, "27"), by=world.filler, name="报告.pdf", data=PDF)
    save_value(env_task, ind(env_task, "27"), by=world.filler, raw="99")
    other_dept_filler = make_user("jia_housing_filler", Role.FILLER, world.county, world.housing_dept)
    yi_env = Department.objects.get(region=world.other_county, name="生态环境局")
    other_region_filler = make_user("yi_filler", Role.FILLER, world.other_county, yi_env)
    return {"task": env_task, "ev": ev, "value": ev.value, "housing_filler": other_dept_filler,
            "yi_filler": other_region_filler}


def urls(s):
    t, it = s["task"], item(s["task"], "27")
    return {
        "page": f"/entry/tasks/{t.pk}/", "export": f"/entry/tasks/{t.pk}/template.xlsx",
        "download": f"/entry/evidence/{s['ev'].pk}/", "history": f"/entry/values/{s['value'].pk}/history/",
        "api": f"/api/v1/entry/tasks/{t.pk}", "api_history": f"/api/v1/entry/values/{s['value'].pk}/history",
        "save": f"/entry/tasks/{t.pk}/items/{it.pk}/", "upload": f"/entry/tasks/{t.pk}/upload/",
    }


@pytest.mark.parametrize("who", ["yi_filler", "housing_filler", "other_admin"])
def test_other_region_or_department_gets_404_everywhere(client, world, setup, who):
    user = setup.get(who) or getattr(world, who)
    client.force_login(user)
    u = urls(setup)
    for name in ("page", "export", "download", "history", "api", "api_history", "upload"):
        assert client.get(u[name]).status_code == 404, name
    assert client.post(u["save"], {"value": "1"}).status_code == 404
    assert client.post(f"/api/v1/entry/tasks/{setup['task'].pk}/values/27", {"value": "1"},
                       content_type="application/json").status_code == 404
    assert setup["task"].title not in client.get("/entry/").content.decode()


def test_read_only_roles_read_but_get_403_on_writes(client, world, setup):
    client.force_login(world.viewer)
    u = urls(setup)
    for name in ("page", "export", "download", "history", "api"):
        assert client.get(u[name]).status_code == 200, name
    assert client.post(u["save"], {"value": "1"}).status_code == 403
    assert client.get(u["upload"]).status_code == 403
    assert client.post(f"/entry/tasks/{setup['task'].pk}/submit/").status_code == 403
    assert client.post(f"/entry/tasks/{setup['task'].pk}/review/", {"op": "approve_all"}).status_code == 403
    assert client.post(f"/api/v1/entry/tasks/{setup['task'].pk}/values/27", {"value": "1"},
                       content_type="application/json").status_code == 403
    assert client.post(f"/api/v1/entry/values/{setup['value'].pk}/return", {"reason": "x"},
                       content_type="application/json").status_code == 403
    assert client.post(f"/entry/evidence/{setup['ev'].pk}/delete/", {"task": setup["task"].pk}).status_code == 403
    assert client.get("/entry/import/").status_code == 403


def test_reviewer_reviews_but_does_not_fill(client, world, setup):
    client.force_login(world.reviewer)
    u = urls(setup)
    assert client.get(u["page"]).status_code == 200
    assert client.post(u["save"], {"value": "1"}).status_code == 403


def test_anonymous_is_sent_to_login_and_api_says_401(client, setup):
    u = urls(setup)
    assert client.get(u["page"]).status_code == 302 and client.get(u["download"]).status_code == 302
    assert client.get(u["api"]).status_code == 401


def test_api_round_trip_for_the_filler(client, world, setup):
    client.force_login(world.filler)
    got = client.get(f"/api/v1/entry/tasks/{setup['task'].pk}").json()
    version = next(i for i in got["items"] if i.get("indicator") == "27")["value"]["version"]
    r = client.post(f"/api/v1/entry/tasks/{setup['task'].pk}/values/27", {"value": "101", "note": "x",
                    "version": version}, content_type="application/json")
    assert r.status_code == 200 and r.json()["value"]["value"] == "101"
    assert "range" in [f["check"] for f in r.json()["findings"]]
    r = client.post(f"/api/v1/entry/tasks/{setup['task'].pk}/submit")
    assert r.status_code == 422 and "超出合理范围" in r.json()["detail"], r.json()
    tasks = client.get("/api/v1/entry/tasks").json()
    assert [t["department"] for t in tasks] == ["生态环境局"]
