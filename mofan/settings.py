"""mofan settings: one module, driven by the environment.

Embedded default (nothing set): SQLite and a secret key under ``var/``.
Production (``MOFAN_ENV=production``): SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS are
required, cookies are Secure and ``manage.py check --deploy`` is clean.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOFAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("MOFAN_ENV", "").lower() == "production"
DEBUG = os.environ.get("MOFAN_DEBUG", "") == "1" and not PRODUCTION


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("生产模式必须设置环境变量 SECRET_KEY")
    # Embedded default: generate once, keep it private to this installation.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    """The audit chain's HMAC key: kept outside the database, so whoever can write the
    audit table still cannot recompute its hashes (specs/security.md 安全审计)."""
    key = os.environ.get("MOFAN_AUDIT_KEY")
    if key:
        return key
    path = VAR_DIR / "audit_key"
    if not path.exists():
        # Written under a temporary name and linked into place: created 0600 from the
        # start, and two processes starting at once end up with one key.
        tmp = VAR_DIR / f".audit_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


MOFAN_AUDIT_KEY = _audit_key()
# The audit chain's head is appended here (time, last id, hash, HMAC of the line).
MOFAN_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("MOFAN_AUDIT_ANCHOR_FILE", VAR_DIR / "audit_anchors.log"))

if PRODUCTION and not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("生产模式必须设置环境变量 ALLOWED_HOSTS（逗号分隔）")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("生产模式必须设置环境变量 DATABASE_URL（PostgreSQL）")
# Persistent connections in every mode (issue 13): opening a PostgreSQL connection per
# request made pages 1.2–2.7× slower in-process. The health check at the start of each
# request drops a connection the server closed (a restart, a failover) instead of failing.
CONN_MAX_AGE = int(os.environ.get("MOFAN_CONN_MAX_AGE", 300))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mofan.sqlite3'}"),
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A small office on the embedded default: WAL lets readers go on while one writes,
    # IMMEDIATE takes the write lock when a transaction starts (so two writers queue
    # instead of one failing with "database is locked" on upgrade), and the busy timeout
    # is how long the second waits.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    # Tests on a file, one per test process, so the live server's threads really contend
    # for the database as a small office would (an in-memory database is one shared
    # connection and would hide locking).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "mofan.core",
    "mofan.audit",
    "mofan.accounts",
    "mofan.orgs",
    "mofan.study",
    "mofan.tasks",
    "mofan.appeals",
    "mofan.community",
    "mofan.enterprise",
    "mofan.rectification",
    "mofan.culture",
    "mofan.tourism",
    "mofan.attendance",
    "mofan.reports",
    "mofan.dashboards",
    "mofan.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mofan.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mofan.core.middleware.DiskFullMiddleware",
    "mofan.core.freshness.OwnWritesMiddleware",
    "mofan.audit.middleware.AuditContextMiddleware",
    "mofan.accounts.middleware.IdleTimeoutMiddleware",
    "mofan.accounts.middleware.LoginRequiredMiddleware",
    "mofan.accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "mofan.urls"
WSGI_APPLICATION = "mofan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mofan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mofan.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

# --- 等保 2.0 identification and authentication (specs/security.md) ---
MOFAN_PASSWORD_MIN_LENGTH = int(os.environ.get("MOFAN_PASSWORD_MIN_LENGTH", 8))
MOFAN_PASSWORD_MIN_CLASSES = 3
MOFAN_PASSWORD_HISTORY = 5
MOFAN_PASSWORD_MAX_AGE = timedelta(days=90)
MOFAN_LOCKOUT_FAILURES = 5
MOFAN_LOCKOUT_WINDOW = timedelta(minutes=15)
MOFAN_LOCKOUT_DURATION = timedelta(minutes=15)
MOFAN_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("MOFAN_IDLE_MINUTES", 30)))
MOFAN_DORMANT_AFTER = timedelta(days=90)
# 等保 level 3 option: a TOTP second factor for administrator roles.
MOFAN_ADMIN_TOTP = os.environ.get("MOFAN_ADMIN_TOTP", "") == "1"
MOFAN_TOTP_ISSUER = os.environ.get("MOFAN_TOTP_ISSUER", "mofan")
MOFAN_AUDIT_RETENTION_DAYS = 180

# The reporting year (core/params.reporting_year): pages open on the current year, or on
# last year until this day (MM-DD) while the year-end summary is being written.
MOFAN_REPORTING_YEAR_SWITCH = os.environ.get("MOFAN_REPORTING_YEAR_SWITCH", "02-01")
# Pin every page to one year (a demo of a past year, a late summary); empty: the rule above.
MOFAN_REPORTING_YEAR = int(os.environ["MOFAN_REPORTING_YEAR"]) if os.environ.get(
    "MOFAN_REPORTING_YEAR") else None
MOFAN_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# An attendance export of a county month (~130,000 punches) is larger than a document.
MOFAN_ATTENDANCE_MAX_BYTES = 60 * 1024 * 1024

# Background work (DESIGN.md mechanism 8): django-tasks with its database backend, so the
# embedded default needs no other server; `manage.py db_worker` runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# An Excel import of more data rows than this runs in the background with a progress page
# (reading 10,000 people takes tens of seconds); smaller ones are checked in the request.
MOFAN_IMPORT_BACKGROUND_ROWS = int(os.environ.get("MOFAN_IMPORT_BACKGROUND_ROWS", "2000"))

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": MOFAN_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "mofan.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {"NAME": "mofan.accounts.passwords.HistoryValidator"},
]

# The idle timeout is enforced (and audited) by IdleTimeoutMiddleware; the cookie only caps
# a working day, so an idle session reaches the middleware instead of silently vanishing.
# The session (and with it the cookie's 12 hours) is saved when the middleware marks activity,
# at most once a minute, not on every request: a page view is then no database write.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = MOFAN_UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("MOFAN_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script anywhere; every asset comes from the app itself (intranets are offline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Reverse proxies (nginx) whose X-Forwarded-For names the real client (audit, lockout).
MOFAN_TRUSTED_PROXIES = tuple(
    p.strip() for p in os.environ.get("MOFAN_TRUSTED_PROXIES", "").split(",") if p.strip())

# Cache and sessions: the database by default (nothing else to run, and every worker and
# app server shares it); Redis when wanted (MOFAN_CACHE_URL=redis://host:6379/1), or each
# process's memory (locmem://). The cache table is created by ``migrate`` (core 0005).
MOFAN_CACHE_URL = os.environ.get("MOFAN_CACHE_URL", "") or "db://mofan_cache"


def _cache() -> dict:
    url = MOFAN_CACHE_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                "KEY_PREFIX": os.environ.get("MOFAN_CACHE_PREFIX", "mofan")}
    if url.startswith("db://"):
        # Room for every page's figures: past MAX_ENTRIES Django culls a third of the table.
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": url[len("db://"):] or "mofan_cache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"MOFAN_CACHE_URL 无法识别：{url}（应为 redis://…、db://表名 或 locmem://）")


CACHES = {"default": _cache()}
# Tables of figures are cached until a committed write changes the data (core.freshness),
# and at most this long; 0 computes every figure on every page.
MOFAN_FIGURE_CACHE_SECONDS = int(os.environ.get("MOFAN_FIGURE_CACHE_SECONDS", 3600))
# How far behind other people's writes a cached figure may be (a user's own are shown at
# once); 0: every figure exact.
MOFAN_FIGURE_LAG_SECONDS = int(os.environ.get("MOFAN_FIGURE_LAG_SECONDS", 60))
# Writes no figure reads: they leave cached figures in place (else every login would empty it).
MOFAN_WRITES_NOT_IN_FIGURES = ("django_session", "audit_auditlog", "accounts_loginattempt")
SESSION_ENGINE = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}[os.environ.get("MOFAN_SESSIONS", "db")]

FILTERS_EMPTY_CHOICE_LABEL = "全部"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
# One date format on pages (2025-12-18); documents write 2025年12月18日 (mofan/formats).
FORMAT_MODULE_PATH = ["mofan.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "mofan" / "static"]
STATIC_ROOT = Path(os.environ.get("MOFAN_STATIC_ROOT", STATIC_ROOT))
# Uploads: a folder (several app servers mount the same shared folder, e.g. NFS), or any
# Django storage backend such as django-storages' S3 (see docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("MOFAN_MEDIA_ROOT", VAR_DIR / "media"))


def _media_storage() -> dict:
    backend = os.environ.get("MOFAN_MEDIA_STORAGE", "mofan.core.files.CleanFileSystemStorage")
    options = json.loads(os.environ.get("MOFAN_MEDIA_STORAGE_OPTIONS", "") or "{}")
    return {"BACKEND": backend, "OPTIONS": options}


STORAGES = {
    "default": _media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not PRODUCTION:
    WHITENOISE_USE_FINDERS = True  # serve assets without collectstatic in the embedded mode
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
