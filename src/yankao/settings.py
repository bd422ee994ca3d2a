"""Every setting of Yankao, in one module.

Each value has a default and may be overridden from the environment; the README lists them all.
`YANKAO_ENV=production` switches the secure defaults on (and requires SECRET_KEY).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("YANKAO_BASE_DIR", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(env_str("YANKAO_VAR_DIR", str(BASE_DIR / "var")))

YANKAO_ENV = env_str("YANKAO_ENV", "development")
if YANKAO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("YANKAO_ENV must be 'development' or 'production'")
PRODUCTION = YANKAO_ENV == "production"

DEBUG = env_bool("YANKAO_DEBUG", not PRODUCTION)

_DEV_SECRET_KEY = "django-insecure-yankao-development-key-never-use-in-production"  # noqa: S105 - refused in production
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when YANKAO_ENV=production")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "yankao.core",
    "yankao.agencies",
    "yankao.workdays",
    "yankao.audit",
    "yankao.attachments",
    "yankao.cases",
    "yankao.plans",
    "yankao.works",
    "yankao.assistant",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yankao.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yankao.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "yankao.urls"
WSGI_APPLICATION = "yankao.wsgi.application"
ASGI_APPLICATION = "yankao.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yankao.core.context_processors.navigation",
            ],
            "builtins": ["yankao.workdays.templatetags.roc"],
        },
    }
]

# --- Database --------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; PostgreSQL through DATABASE_URL in production.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yankao.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("YANKAO_DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        # A fresh clone has no var/: make the folder so every command can open the database.
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not a shared in-memory database: the live server's threads then get their
    # own connections and SQLite's locking (in-memory sharing breaks on concurrent requests).
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("YANKAO_TEST_SQLITE_NAME", str(VAR_DIR / "test_yankao.sqlite3"))
    }
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" upgrades when a read transaction starts writing.
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("YANKAO_SQLITE_TIMEOUT", 20),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
# PostgreSQL: server-side binding, so the busiest fixed statements (API token check, case intake)
# can run prepared: parsed and planned once per connection (core.db.prepared). Nothing else is
# prepared, so the ORM's queries are planned for their own values. Turn off behind a pooler in
# transaction mode (pgbouncer), where a prepared statement may not find its session.
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "YANKAO_PG_PREPARED_STATEMENTS", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication --------------------------------------------------------------------------
AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # An OIDC backend for the city's single sign-on is appended here by a later issue (ADR 0004).
    "yankao.agencies.backends.LockoutModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("YANKAO_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock-out: this many failed logins for one username within the window lock it for the window.
YANKAO_LOGIN_FAILURE_LIMIT = env_int("YANKAO_LOGIN_FAILURE_LIMIT", 5)
YANKAO_LOGIN_LOCKOUT_MINUTES = env_int("YANKAO_LOGIN_LOCKOUT_MINUTES", 15)
# Session timeout: idle seconds before a user must log in again.
SESSION_COOKIE_AGE = env_int("YANKAO_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security (secure by default in production; `manage.py check --deploy` stays silent) ------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("YANKAO_SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("YANKAO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("YANKAO_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("YANKAO_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("YANKAO_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Taipei"
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("YANKAO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env_str("YANKAO_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Attachments: the largest accepted upload and the kinds accepted (checked from the content).
YANKAO_ATTACHMENT_MAX_BYTES = env_int("YANKAO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
YANKAO_ATTACHMENT_TYPES = env_list(
    "YANKAO_ATTACHMENT_TYPES",
    [
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain",
        "text/csv",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = YANKAO_ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Background tasks -------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("YANKAO_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "reports"],
    }
}
# The worker stamps a heartbeat this often; /healthz calls the worker dead past the max age.
YANKAO_WORKER_HEARTBEAT_SECONDS = env_float("YANKAO_WORKER_HEARTBEAT_SECONDS", 15.0)
YANKAO_WORKER_HEARTBEAT_MAX_AGE = env_int("YANKAO_WORKER_HEARTBEAT_MAX_AGE", 120)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "yankao.agencies.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("YANKAO_API_PAGE_SIZE", 50),
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "yankao.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yankao API",
    "DESCRIPTION": "研考會整合平臺 API. Every list and detail is scoped to the caller's agency and role.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "yankao.agencies.models.AgencyKind",
        "DeclaredDayKindEnum": "yankao.workdays.models.DeclaredDayKind",
        "FollowUpStatusEnum": "yankao.plans.models.FollowUpStatus",
        "EvaluationStatusEnum": "yankao.plans.models.EvaluationStatus",
        "MonitoringStatusEnum": "yankao.works.models.MonitoringStatus",
        "InspectionStatusEnum": "yankao.works.models.InspectionStatus",
        "DefectStatusEnum": "yankao.works.models.DefectStatus",
        "PenaltyStatusEnum": "yankao.works.models.PenaltyStatus",
    },
}

# --- Calendar ---------------------------------------------------------------------------------
# Years the shipped Taiwan holiday calendar must cover; outside them the service refuses to guess.
YANKAO_CALENDAR_FIRST_YEAR = env_int("YANKAO_CALENDAR_FIRST_YEAR", 2014)
YANKAO_CALENDAR_LAST_YEAR = env_int("YANKAO_CALENDAR_LAST_YEAR", 2027)

# --- Citizen cases (defaults; each category may set its own deadline) -----------------------
YANKAO_CASE_PETITION_WORKING_DAYS = env_int("YANKAO_CASE_PETITION_WORKING_DAYS", 6)
YANKAO_CASE_SHARED_WORKING_DAYS = env_int("YANKAO_CASE_SHARED_WORKING_DAYS", 10)
YANKAO_CASE_MAX_CALENDAR_DAYS = env_int("YANKAO_CASE_MAX_CALENDAR_DAYS", 30)
YANKAO_CASE_DISPATCH_URGENT_HOURS = env_int("YANKAO_CASE_DISPATCH_URGENT_HOURS", 4)
YANKAO_CASE_DISPATCH_HOURS = env_int("YANKAO_CASE_DISPATCH_HOURS", 24)
YANKAO_CASE_RETURN_WORKING_DAYS = env_int("YANKAO_CASE_RETURN_WORKING_DAYS", 1)
YANKAO_CASE_DUPLICATE_DAYS = env_int("YANKAO_CASE_DUPLICATE_DAYS", 14)
YANKAO_CASE_RETENTION_YEARS = env_int("YANKAO_CASE_RETENTION_YEARS", 5)
# Telling petitioners: the SMS backend (dotted path) and, for the console backend, a file.
YANKAO_SMS_BACKEND = env_str("YANKAO_SMS_BACKEND", "yankao.cases.senders.ConsoleSmsBackend")
YANKAO_SMS_FILE_PATH = env_str("YANKAO_SMS_FILE_PATH", "")
# Reminders: the agency is reminded this many hours before a deadline.
YANKAO_CASE_REMINDER_HOURS = env_int("YANKAO_CASE_REMINDER_HOURS", 24)
# Monthly report: agencies with fewer closed cases than this are listed but not ranked.
# How long a process keeps the district offices it routes to (a change on this server clears it).
YANKAO_AGENCY_CACHE_SECONDS = env_int("YANKAO_AGENCY_CACHE_SECONDS", 300)
YANKAO_CASE_RANKING_MIN_CASES = env_int("YANKAO_CASE_RANKING_MIN_CASES", 10)
# The map of open cases: how many markers at most, and what counts as due soon there.
YANKAO_CASE_MAP_LIMIT = env_int("YANKAO_CASE_MAP_LIMIT", 2000)
YANKAO_CASE_MAP_DUE_SOON_HOURS = env_int("YANKAO_CASE_MAP_DUE_SOON_HOURS", 2)
# A .ttf/.ttc font with Traditional Chinese glyphs for chart images in Word reports (else found).
YANKAO_REPORT_FONT = env_str("YANKAO_REPORT_FONT", "")
# Mayor's mailbox: messages accepted per connection per hour.
YANKAO_MAILBOX_PER_HOUR = env_int("YANKAO_MAILBOX_PER_HOUR", 10)
# Category suggestions on the mailbox form while the citizen types: at most this many a minute
# from one connection (more get none; the form still works).
YANKAO_MAILBOX_SUGGEST_PER_MINUTE = env_int("YANKAO_MAILBOX_SUGGEST_PER_MINUTE", 60)
# ... and only categories suggested with at least this confidence (0-1): a citizen is not shown
# a guess.
YANKAO_MAILBOX_SUGGEST_MIN_CONFIDENCE = env_float("YANKAO_MAILBOX_SUGGEST_MIN_CONFIDENCE", 0.2)
# Kaohsiung's bounding box: coordinates outside it are refused.
YANKAO_CITY_BOUNDS = tuple(
    float(v) for v in env_list("YANKAO_CITY_BOUNDS", ["22.45", "120.15", "23.48", "121.05"])
)

# --- Plan control ----------------------------------------------------------------------------
# Behind when planned minus actual progress reaches this many points; a spending rate below the
# warning percent needs a cause too; monthly reports are due on this day of the next month.
YANKAO_PLAN_BEHIND_POINTS = env_int("YANKAO_PLAN_BEHIND_POINTS", 5)
YANKAO_PLAN_SPENDING_WARNING_PERCENT = env_int("YANKAO_PLAN_SPENDING_WARNING_PERCENT", 90)
YANKAO_PLAN_REPORT_DAY = env_int("YANKAO_PLAN_REPORT_DAY", 6)
YANKAO_PLAN_TREND_MONTHS = env_int("YANKAO_PLAN_TREND_MONTHS", 3)
# Year-end evaluation: grade:lowest score, best grade first (excellent 優等, a 甲等, b 乙等,
# c 丙等), and which grades are sent for reward or penalty (獎懲). A round keeps the values in
# force when it was opened, so a later change never regrades a past year.
YANKAO_EVALUATION_GRADE_BANDS = env_list(
    "YANKAO_EVALUATION_GRADE_BANDS", ["excellent:90", "a:80", "b:70", "c:0"]
)
YANKAO_EVALUATION_OUTCOMES = env_list(
    "YANKAO_EVALUATION_OUTCOMES", ["excellent:reward", "c:penalty"]
)

# --- Works inspection (工程施工查核小組作業辦法, as amended 2023) ---------------------------
# Amount tiers from the budget amount (NT$): huge (巨額), ≥ large, ≥ medium, ≥ small; below the
# small threshold a project is not subject to the inspection quota.
YANKAO_WORKS_TIER_HUGE = env_int("YANKAO_WORKS_TIER_HUGE", 200_000_000)
YANKAO_WORKS_TIER_LARGE = env_int("YANKAO_WORKS_TIER_LARGE", 50_000_000)
YANKAO_WORKS_TIER_MEDIUM = env_int("YANKAO_WORKS_TIER_MEDIUM", 10_000_000)
YANKAO_WORKS_TIER_SMALL = env_int("YANKAO_WORKS_TIER_SMALL", 1_500_000)
# The legal minimum: this % of the year's tenders ≥ the small threshold, and per tier at least
# this many (or all of the tier when fewer); the city's own target is a multiple of it.
YANKAO_WORKS_QUOTA_PERCENT = env_int("YANKAO_WORKS_QUOTA_PERCENT", 10)
YANKAO_WORKS_QUOTA_LARGE = env_int("YANKAO_WORKS_QUOTA_LARGE", 20)
YANKAO_WORKS_QUOTA_MEDIUM = env_int("YANKAO_WORKS_QUOTA_MEDIUM", 15)
YANKAO_WORKS_QUOTA_SMALL = env_int("YANKAO_WORKS_QUOTA_SMALL", 10)
YANKAO_WORKS_TARGET_MULTIPLE = env_float("YANKAO_WORKS_TARGET_MULTIPLE", 2.0)
YANKAO_WORKS_PROGRESS_DAY = env_int("YANKAO_WORKS_PROGRESS_DAY", 6)
# Monthly progress is behind when planned minus actual reaches this many points: a lag reason is due.
YANKAO_WORKS_BEHIND_POINTS = env_int("YANKAO_WORKS_BEHIND_POINTS", 5)
# Priority grounds for choosing what to inspect.
YANKAO_WORKS_LAG_POINTS = env_int("YANKAO_WORKS_LAG_POINTS", 10)
YANKAO_WORKS_LOW_BID_PERCENT = env_int("YANKAO_WORKS_LOW_BID_PERCENT", 80)
YANKAO_WORKS_CHANGE_ORDERS = env_int("YANKAO_WORKS_CHANGE_ORDERS", 3)
YANKAO_WORKS_CHANGE_ORDER_PERCENT = env_int("YANKAO_WORKS_CHANGE_ORDER_PERCENT", 10)
YANKAO_WORKS_LOW_SCORE = env_int("YANKAO_WORKS_LOW_SCORE", 75)
# Grades (grade:lowest score, best first), the automatic 丙等 score, committee make-up, deadlines.
YANKAO_WORKS_GRADE_BANDS = env_list(
    "YANKAO_WORKS_GRADE_BANDS", ["excellent:90", "a:80", "b:70", "c:0"]
)
YANKAO_WORKS_AUTOMATIC_C_SCORE = env_int("YANKAO_WORKS_AUTOMATIC_C_SCORE", 69)
YANKAO_WORKS_EXTERNAL_SHARE = env_str("YANKAO_WORKS_EXTERNAL_SHARE", "1/3")  # a fraction
YANKAO_WORKS_RECORD_WORKING_DAYS = env_int("YANKAO_WORKS_RECORD_WORKING_DAYS", 7)
YANKAO_WORKS_REMEDIATION_DAYS = env_int("YANKAO_WORKS_REMEDIATION_DAYS", 30)
YANKAO_WORKS_MONITORING_LIMIT_WORKING_DAYS = env_int(
    "YANKAO_WORKS_MONITORING_LIMIT_WORKING_DAYS", 12
)
YANKAO_WORKS_VERIFICATIONS_PER_MONTH = env_int("YANKAO_WORKS_VERIFICATIONS_PER_MONTH", 20)
# The monitoring item a works-site 1999 case goes to when no item names its category.
YANKAO_WORKS_MONITORING_DEFAULT_ITEM = env_str("YANKAO_WORKS_MONITORING_DEFAULT_ITEM", "G04")
# The worker files new works-site 1999 cases as monitoring reports this often.
YANKAO_WORKS_MONITORING_SWEEP_MINUTES = env_int("YANKAO_WORKS_MONITORING_SWEEP_MINUTES", 1)

# --- Assistant: FAQ mining from closed cases, category suggestion ----------------------------
# A cluster of at least this many similar closed cases (within the last N days) becomes an FAQ
# candidate; two questions are similar from this cosine similarity of their word weights.
YANKAO_FAQ_CLUSTER_MIN_SIZE = env_int("YANKAO_FAQ_CLUSTER_MIN_SIZE", 5)
YANKAO_FAQ_SIMILARITY = env_float("YANKAO_FAQ_SIMILARITY", 0.3)
YANKAO_FAQ_MINING_DAYS = env_int("YANKAO_FAQ_MINING_DAYS", 365)
# The trained suggester answers only with at least this much categorised history (else the
# keyword rules); it learns from the latest N cases, an operator's correction counting W times.
YANKAO_SUGGEST_MIN_HISTORY = env_int("YANKAO_SUGGEST_MIN_HISTORY", 200)
YANKAO_SUGGEST_MAX_CASES = env_int("YANKAO_SUGGEST_MAX_CASES", 100_000)
YANKAO_SUGGEST_CORRECTION_WEIGHT = env_int("YANKAO_SUGGEST_CORRECTION_WEIGHT", 3)
YANKAO_SUGGEST_MAX_CHARS = env_int("YANKAO_SUGGEST_MAX_CHARS", 5000)
YANKAO_SUGGEST_RETRAIN_DAYS = env_int("YANKAO_SUGGEST_RETRAIN_DAYS", 7)
# What the suggester proposes for each new case is stored by the worker every N minutes (and
# before each training), not during intake; it looks back this many cases for late commits.
YANKAO_SUGGEST_FEEDBACK_MINUTES = env_int("YANKAO_SUGGEST_FEEDBACK_MINUTES", 5)
YANKAO_SUGGEST_FEEDBACK_MARGIN = env_int("YANKAO_SUGGEST_FEEDBACK_MARGIN", 10_000)
# FAQ knowledge base: the longest answer an agency may submit (characters), and at most this
# many alternative phrasings (one a line) of at most that many characters each.
YANKAO_FAQ_ANSWER_MAX_CHARS = env_int("YANKAO_FAQ_ANSWER_MAX_CHARS", 5000)
YANKAO_FAQ_ALTERNATIVES_MAX = env_int("YANKAO_FAQ_ALTERNATIVES_MAX", 30)
YANKAO_FAQ_ALTERNATIVE_MAX_CHARS = env_int("YANKAO_FAQ_ALTERNATIVE_MAX_CHARS", 200)
# Answering citizens' questions: the retriever (dotted path to a class, see ADR 0008), the
# confidence (0-1) from which an answer is given as sure (tuned on benchmarks/assistant), the
# longest question read (characters; longer ones are refused with a message), and how many
# questions one connection may ask per minute.
YANKAO_ASSISTANT_RETRIEVER = env_str(
    "YANKAO_ASSISTANT_RETRIEVER", "yankao.assistant.retrieval.BM25Retriever"
)
YANKAO_ASSISTANT_CONFIDENCE = env_float("YANKAO_ASSISTANT_CONFIDENCE", 0.45)
YANKAO_ASSISTANT_MAX_CHARS = env_int("YANKAO_ASSISTANT_MAX_CHARS", 300)
YANKAO_ASSISTANT_PER_MINUTE = env_int("YANKAO_ASSISTANT_PER_MINUTE", 20)
# Intake speed: each process keeps the suggester's active model version and the category codes
# (what every new case's suggestion feedback needs) this long; a change saved on the same server
# clears them at once. Only the feedback's suggested codes can lag a retraining by this much.
YANKAO_SUGGEST_CACHE_SECONDS = env_int("YANKAO_SUGGEST_CACHE_SECONDS", 60)
# ... and the case categories with their agencies, which intake reads by code (as the district
# offices are kept, YANKAO_AGENCY_CACHE_SECONDS).
YANKAO_CATEGORY_CACHE_SECONDS = env_int("YANKAO_CATEGORY_CACHE_SECONDS", 60)

# --- Demo -------------------------------------------------------------------------------------
# The password given to the demo logins that `yankao demo` creates (development only).
YANKAO_DEMO_PASSWORD = env_str("YANKAO_DEMO_PASSWORD", "Yankao-demo-2026")

# --- Logging: one JSON object per line on stderr ----------------------------------------------
YANKAO_LOG_LEVEL = env_str("YANKAO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "yankao.core.logging.JsonFormatter"}},
    "filters": {"request": {"()": "yankao.core.logging.RequestContextFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request"]}
    },
    "root": {"handlers": ["console"], "level": YANKAO_LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
    },
}

# --- Mail: console in development (nothing needs an outside service), SMTP in production ----
_MAIL_BACKEND = env_str(
    "YANKAO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": (
            {
                "host": env_str("YANKAO_SMTP_HOST", "localhost"),
                "port": env_int("YANKAO_SMTP_PORT", 25),
                "username": env_str("YANKAO_SMTP_USER", ""),
                "password": env_str("YANKAO_SMTP_PASSWORD", ""),
                "use_tls": env_bool("YANKAO_SMTP_TLS", False),
                "timeout": env_int("YANKAO_SMTP_TIMEOUT", 30),
            }
            if _MAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("YANKAO_DEFAULT_FROM_EMAIL", "yankao@localhost")
