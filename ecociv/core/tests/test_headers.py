"""Headers and logs of a deployment (issue 15, must-hold 9): a Content-Security-Policy without
inline script, nothing user-specific kept in caches, `check --deploy` clean under the documented
production environment, and a 403 logged as one line."""
import logging
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from ecociv.core.tests.procs import ROOT, child_env, ecociv
from ecociv.regions.actions import update_region

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(ROOT, "ecociv").glob("**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    assert len(TEMPLATES) > 50
    found = [f"{t.relative_to(ROOT)}: {m.group(0)[:80]}" for t in TEMPLATES
             for rx in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL) for m in rx.finditer(t.read_text())]
    assert not found, "\n".join(found)


def test_pages_carry_a_policy_without_inline_script(client, world):
    world.login(client, world.admin)
    for url in ("/", "/accounts/login/", "/audit/", "/no/such/page/"):
        policy = client.get(url).headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", (url, policy)
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
        assert directives["style-src-elem"] == "'self'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe-eval" not in policy and "http" not in policy


def test_data_pages_exports_and_downloads_are_not_stored_static_files_are(client, world):
    update_region(world.county, {"terrain": "hill"}, by=world.admin)
    world.login(client, world.admin)
    for url in ("/", "/audit/", "/audit/export.xlsx", "/api/v1/regions/", "/ledger/rules/download/", "/accounts/login/"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "no-store" in resp.headers["Cache-Control"] and "private" in resp.headers["Cache-Control"], url
    assert finders.find("ecociv/app.css")
    static = client.get("/static/ecociv/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def production_env(**extra):
    # The environment README's Deployment section documents (steps 3 and 5).
    env = {"DEBUG": "0", "HTTPS": "1", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "ecociv.example.gov.cn",
           "CSRF_TRUSTED_ORIGINS": "https://ecociv.example.gov.cn"}
    return child_env(**{**env, **extra})


def test_check_deploy_is_clean_under_the_documented_production_settings():
    run = subprocess.run(ecociv("check", "--deploy", "--fail-level", "WARNING"), env=production_env(),
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout
    # Without the HTTPS settings the same check fails: the test can tell the difference.
    run = subprocess.run(ecociv("check", "--deploy", "--fail-level", "WARNING"), env=production_env(HTTPS="0"),
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode != 0 and "security.W012" in run.stderr + run.stdout


def test_a_403_is_one_log_line(client, world, caplog):
    from ecociv.accounts.models import User
    from ecociv.audit.models import AuditLog

    update_region(world.county, {"terrain": "hill"}, by=world.admin)
    client.force_login(User.objects.create_superuser("root", password="Root#2026pass"))
    pk = AuditLog.objects.first().pk
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.post(f"/admin/audit/auditlog/{pk}/delete/", {"post": "yes"}).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    text = logging.Formatter().format(records[0])
    assert text.startswith("Forbidden (Permission denied)") and "\n" not in text
    # Any other exception still logs its traceback.
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        try:
            raise ValueError("x")
        except ValueError:
            logging.getLogger("django.request").exception("boom")
    assert "Traceback" in logging.Formatter().format(caplog.records[-1])


def test_a_request_for_another_host_is_one_line_on_the_console(client):
    from ecociv.core.logs import ForbiddenOneLine

    console = [h for h in logging.getLogger().handlers if any(isinstance(f, ForbiddenOneLine) for f in h.filters)]
    assert console, "the console handler carries the filter"
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            if console[0].filter(record):
                seen.append(console[0].format(record))

    keep = Keep()
    logging.getLogger("django.security").addHandler(keep)
    try:
        assert client.get("/", HTTP_HOST="scanner.example").status_code == 400
    finally:
        logging.getLogger("django.security").removeHandler(keep)
    assert len(seen) == 1 and "scanner.example" in seen[0] and "\n" not in seen[0], seen
