from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from ecociv.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ECOCIV_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The development key lets commands and tests run on a fresh checkout; the production server
# refuses it when DEBUG=0 (core/serving.py). A deployment sets SECRET_KEY, or keeps the key in
# SECRET_KEY_FILE (`make run` creates var/secret_key for the demo).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # nosec B105  # a label or the documented development/demo password, not a secret
SECRET_KEY_FILE = Path(env_str("SECRET_KEY_FILE", str(VAR_DIR / "secret_key")))
SECRET_KEY = env_str("SECRET_KEY", "") or (
    SECRET_KEY_FILE.read_text().strip() if SECRET_KEY_FILE.is_file() else "") or DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ecociv.core",
    "ecociv.accounts",
    "ecociv.audit",
    "ecociv.regions",
    "ecociv.standards",
    "ecociv.entry",
    "ecociv.web",
]
# Domain apps added by later issues register themselves here when their package exists,
# so a partial checkout (or a helper's work in progress) never breaks start-up.
for _optional in ("assessment", "ledger", "monitoring", "reports", "extraction", "dashboard"):
    if (BASE_DIR / "ecociv" / _optional / "apps.py").exists():
        INSTALLED_APPS.append(f"ecociv.{_optional}")

MIDDLEWARE = [
    "ecociv.core.limits.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ecociv.core.headers.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecociv.accounts.session_expiry.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ecociv.accounts.middleware.PasswordExpiryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecociv.urls"
WSGI_APPLICATION = "ecociv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ecociv" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecociv.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ecociv.sqlite3'}"), BASE_DIR, VAR_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long jobs (imports, monitoring runs, document reading, reports) are rows in the database run by
# `ecociv db_worker` (core/background.py). Tests set the immediate backend, and one test runs
# the real worker process against the database backend.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ecociv.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "ecociv.accounts.passwords.ComplexityValidator"},
    {"NAME": "ecociv.accounts.passwords.HistoryValidator"},
]
# A new password must differ from the current one and this many before it.
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5, minimum=1)
# API tokens: default and longest lifetime in days.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# 等保 2.0: lockout after repeated failures, idle session timeout, password expiry.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# 等保 asks to lock the *account* after repeated failures, whatever address they come from;
# axes warns that username-only locking can be dodged per address, which is not the threat here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_MINUTES", 30, minimum=1) * 60
# Idle timeout without a write per request (accounts/session_expiry.py): a signed-in session is
# saved — its expiry moved to now + SESSION_COOKIE_AGE — at most every SESSION_REFRESH_MINUTES (5).
SESSION_SAVE_EVERY_REQUEST = False
# Never more than half the timeout, so a short timeout still slides.
SESSION_REFRESH_SECONDS = min(env_int("SESSION_REFRESH_MINUTES", 5, minimum=1) * 60, SESSION_COOKIE_AGE // 2)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 20, minimum=1)
# Tables (value, region and template imports; core/tabular.py): file size, an .xlsx's size once
# unzipped, rows and columns. 100,000 rows is 40 indicators × 2,500 regions.
TABLE_MAX_MB = env_int("TABLE_MAX_MB", UPLOAD_MAX_MB, minimum=1)
XLSX_MAX_UNZIPPED_MB = env_int("XLSX_MAX_UNZIPPED_MB", 200, minimum=1)
TABLE_MAX_ROWS = env_int("TABLE_MAX_ROWS", 100_000, minimum=1)
TABLE_MAX_COLUMNS = env_int("TABLE_MAX_COLUMNS", 50, minimum=1)
# A request body larger than this is refused from its Content-Length, before it is read
# (core/limits.py): one upload plus the form around it. Monitoring pages take two data files.
REQUEST_MAX_MB = env_int("REQUEST_MAX_MB", UPLOAD_MAX_MB + 1, minimum=1)
# Old summaries for reading (extraction): characters of text, and figures proposed for review.
# A county's annual summary is 10,000–60,000 characters with a few hundred figures.
DOCUMENT_MAX_CHARS = env_int("DOCUMENT_MAX_CHARS", 300_000, minimum=1000)
DOCUMENT_MAX_FACTS = env_int("DOCUMENT_MAX_FACTS", 5_000, minimum=10)
MONITORING_UPLOAD_MAX_MB = env_int("MONITORING_UPLOAD_MAX_MB", 500, minimum=1)
# Rows of one monitoring data file on the page (≈ 230 stations × a year of hourly data);
# counted before the run is queued. Larger data sets belong to `ecociv air-eval`.
MONITORING_MAX_ROWS = env_int("MONITORING_MAX_ROWS", 2_000_000, minimum=1)
# A monitoring run or page import whose heartbeat is older than this is shown as 已中断 and
# may be started again (ecociv/core/background.py); its process beats every limit/5 (≤ 1 min).
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 10, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "ecociv" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Static files come from the package through WhiteNoise: no collectstatic step, no web
# server to configure for a county office's single machine.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Behind the office's HTTPS proxy (README, Deployment): secure cookies, HSTS, redirect to HTTPS,
# and the proxy's X-Forwarded-Proto trusted (gunicorn accepts it only from FORWARDED_ALLOW_IPS).
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000, minimum=0)
    # The platform's own host name and its subdomains; `check --deploy` asks for both.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading puts the name into the browsers' built-in list, which only public domains can
    # join and which takes months to leave; an intranet deployment does not want it. Set
    # HSTS_PRELOAD=1 for a public domain that has applied; otherwise check --deploy's W021 is
    # silenced below for that reason.
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from the platform's own static files — no
# inline script, no inline event handler, no eval (htmx's eval features are off in base.html),
# nothing from another host. Styles: <style> elements and stylesheets only from 'self'; inline
# style *attributes* are allowed (style-src-attr), because ECharts writes its tooltips as HTML with
# style attributes and several templates size columns with them. A style attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_one_line": {"()": "ecociv.core.logs.ForbiddenOneLine"}},
    # A 403 (or a 400 for a suspicious request) is one line (core/logs.py): on the console handler,
    # which every logger reaches, and on django.request itself so any other handler sees it too.
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["forbidden_one_line"]}},
    "loggers": {"django.request": {"filters": ["forbidden_one_line"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
