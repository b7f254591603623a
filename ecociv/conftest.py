"""The shared fixture world: 示例省 → 示例市 → two counties, three departments, a filler, a
reviewer, an administrator, and the national-2019 catalogue (loaded once per test database)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("AXES_ENABLED", "1")
# Jobs run inline in tests; test_worker_process runs them through the real queue and worker.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

PASSWORD = "Test@2026pass"


def _flush_with_audit_triggers_lifted():
    """Transactional tests (browser tests, live server) end with Django's `flush`. On SQLite that is
    a DELETE per table, which the audit tables' triggers refuse (audit/immutable.py); PostgreSQL's
    flush is a TRUNCATE, which they let through. So in the test process only — this file is never
    loaded by the platform — an SQLite flush drops the triggers, empties the tables and puts them
    back. No setting, variable or function of the application can lift them."""
    from django.core.management.commands import flush
    from django.db import DEFAULT_DB_ALIAS, connections

    if getattr(flush.Command.handle, "_lifts_audit_triggers", False):
        return
    original = flush.Command.handle

    def handle(self, **options):
        from ecociv.audit.immutable import install, uninstall

        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return original(self, **options)
        uninstall(connection)
        try:
            return original(self, **options)
        finally:
            install(connection)

    handle._lifts_audit_triggers = True
    flush.Command.handle = handle


def pytest_configure(config):
    _flush_with_audit_triggers_lifted()
    # The environment default above is too late when pytest-django has already imported the
    # settings (a run without xdist does): set the backend on the settings as well, and drop any
    # settings the handler cached from the old value, so jobs run inline in every kind of run.
    from django.conf import settings
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": os.environ["TASKS_BACKEND"]}}
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    for alias in settings.TASKS:
        try:
            del task_backends[alias]
        except AttributeError:  # not built yet
            pass


def ensure_standards():
    """Load the built-in catalogues unless present. Transactional (browser) tests flush the
    tables afterwards, so the world fixture calls this again rather than trusting the session load."""
    from ecociv.core.system import system_user
    from ecociv.standards.actions import load_standard
    from ecociv.standards.loader import BUILTIN_FILES, DATA_DIR, parse_file
    from ecociv.standards.models import Standard

    if not Standard.objects.filter(code="national-2019").exists():
        user = system_user()
        for f in BUILTIN_FILES:
            for data in parse_file(DATA_DIR / f):
                load_standard(data, by=user)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_standards()


@dataclass
class World:
    province: object
    city: object
    county: object
    other_county: object
    town: object
    env_dept: object
    housing_dept: object
    other_dept: object
    admin: object
    filler: object
    reviewer: object
    other_admin: object
    viewer: object
    city_admin: object
    standard: object
    province_admin: object = None

    def login(self, client, user):
        client.force_login(user)
        return client


def make_user(username, role, region, department=None, **extra):
    from ecociv.accounts.models import User

    user = User(username=username, role=role, region=region, department=department, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world(db):
    from ecociv.accounts.models import Department
    from ecociv.core.roles import Role
    from ecociv.regions.models import Region, RegionLink
    from ecociv.standards.models import Standard

    ensure_standards()

    def region(parent, **kw):
        r = Region.objects.create(parent=parent, **kw)
        if parent:
            RegionLink.objects.create(child=r, parent=parent)
        return r

    province = region(None, code="870000", name="示例省", level="province", zone="central")
    city = region(province, code="870100", name="示例市", level="city", admin_class="city", zone="central",
                  terrain="hill")
    county = region(city, code="870121", name="甲县", level="county", admin_class="county", zone="central",
                    terrain="mountain")
    other = region(city, code="870122", name="乙县", level="county", admin_class="county", zone="central",
                   terrain="plain", coastal=True)
    town = region(county, code="870121001", name="甲镇", level="town")
    env = Department.objects.create(region=county, name="生态环境局")
    housing = Department.objects.create(region=county, name="住房和城乡建设局")
    other_dept = Department.objects.create(region=other, name="生态环境局")
    return World(
        province=province, city=city, county=county, other_county=other, town=town,
        env_dept=env, housing_dept=housing, other_dept=other_dept,
        admin=make_user("jia_admin", Role.ADMIN, county, env),
        filler=make_user("jia_filler", Role.FILLER, county, env),
        reviewer=make_user("jia_reviewer", Role.REVIEWER, county, env),
        other_admin=make_user("yi_admin", Role.ADMIN, other, other_dept),
        viewer=make_user("jia_viewer", Role.VIEWER, county, env),
        city_admin=make_user("city_admin", Role.ADMIN, city, None),
        standard=Standard.objects.get(code="national-2019"),
        province_admin=make_user("prov_admin", Role.ADMIN, province, None),
    )


# ---- real browser (Debian's chromium driven by Playwright) ----------------------------

@pytest.fixture
def isolated_var(settings, tmp_path):
    """A VAR_DIR of the test's own: `ecociv restore` refuses while a server or job worker of the
    installation runs (pid files in VAR_DIR), and other tests start real ones under the shared one."""
    settings.VAR_DIR = tmp_path / "var-own"
    settings.VAR_DIR.mkdir()
    return settings.VAR_DIR


def _chromium_path() -> str:
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("未找到 chromium：请运行 make test（会安装 Debian 的 chromium 包）")
    return path


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM then refuses
    # to run "inside async context" unless told the test thread is deliberately mixed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium_path(), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


def browser_login(page, username, password=PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def click_and_settle(page, locator):
    """Click a button that posts, then wait until its result is on the page: htmx has swapped it
    in (afterRequest comes after the swap, errors included), or the browser is on the page the
    plain form led to. Waiting for the response is not enough: htmx swaps after Playwright sees
    it, and "networkidle", once reached, is not waited for again."""
    page.evaluate("""() => {
        window.__ecocivSettled = false; window.__ecocivOld = true;
        document.body.addEventListener('htmx:afterRequest', () => { window.__ecocivSettled = true; }, {once: true});
    }""")
    with page.expect_response(lambda r: r.request.method == "POST"):
        locator.click()
    page.wait_for_function("() => window.__ecocivSettled === true || window.__ecocivOld !== true")
    page.wait_for_load_state("load")


SCREENSHOT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "screenshots")


def screenshot(page, name: str) -> str:
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    path = os.path.join(SCREENSHOT_DIR, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}{db['NAME']}"
