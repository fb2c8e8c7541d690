"""Django settings for Xuncha.

Everything that differs between machines comes from the environment, parsed strictly by ``core.env``;
``.env.example`` documents each variable. With nothing set and ``DEBUG`` on, Xuncha runs on an embedded SQLite
database under ``var/``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from xuncha.core.crypto import load_or_create_key
from xuncha.core.env import Env
from xuncha.core.http import trusted_networks

env = Env(os.environ)

# Files this process creates (the SQLite database and its journal, generated keys, uploads, bundles, logs) are its
# own: 0600, folders 0700. Set before anything is written, whichever entry point (xuncha, gunicorn, the worker) runs.
os.umask(int(env.get_str("XUNCHA_UMASK", "077"), 8))

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env.get_str("XUNCHA_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env.get_bool("DEBUG", False)

SECRET_KEY = env.secret("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) is required unless DEBUG is on; `make run` keeps one in var/secret_key."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only, never served in production

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])
# A refused form answers the app's own page (in the user's language, with a way back), not Django's English one.
CSRF_FAILURE_VIEW = "xuncha.core.errors.csrf_failure"

# Behind HTTPS (XUNCHA_HTTPS=1) cookies are secure and browsers are told to stay on HTTPS. Many county intranets
# still serve plain HTTP, so this is a choice of the deployment, not a default.
HTTPS = env.get_bool("XUNCHA_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Plain-HTTP requests are redirected to HTTPS (behind a proxy that ends TLS, set XUNCHA_BEHIND_PROXY=1 too).
SECURE_SSL_REDIRECT = HTTPS
if env.get_bool("XUNCHA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env.get_int("XUNCHA_SESSION_HOURS", 10, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
# Sessions are stored under a keyed hash of the cookie's key (core/sessions.py), never the key itself.
SESSION_ENGINE = "xuncha.core.sessions"
# A web session idle for this many minutes is signed out; the page warns this many minutes before.
XUNCHA_IDLE_MINUTES = env.get_int("XUNCHA_IDLE_MINUTES", 30, minimum=1)
XUNCHA_IDLE_WARNING_MINUTES = env.get_int("XUNCHA_IDLE_WARNING_MINUTES", 2, minimum=1)
# API tokens expire after this many hours; signing out, a new password or a change of roles revokes them earlier.
XUNCHA_TOKEN_HOURS = env.get_int("XUNCHA_TOKEN_HOURS", 12, minimum=1)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "xuncha.core",
    "xuncha.accounts",
    "xuncha.organisations",
    "xuncha.audit",
    "xuncha.evidence",
    "xuncha.inspections",
    "xuncha.findings",
    "xuncha.fieldwork",
    "xuncha.rectification",
    "xuncha.deliverables",
    "xuncha.planning",
    "xuncha.documents",
    "xuncha.dashboard",
    "xuncha.public",
    "xuncha.appraisal",
    "xuncha.backups",
    "xuncha.archive",
    "xuncha.reporting",
    "xuncha.outcomes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xuncha.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xuncha.accounts.middleware.TwoFactorMiddleware",
    "xuncha.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xuncha.core.middleware.IdleTimeoutMiddleware",
    "xuncha.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuncha.core.context_processors.navigation",
                "xuncha.accounts.context_processors.notifications",
            ],
        },
    },
]

# The embedded default is a SQLite file under var/; production sets DATABASE_URL=postgres://….
EMBEDDED_DATABASE = not env.get_str("DATABASE_URL", "")
DATABASE_URL = env.get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xuncha.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env.get_int("XUNCHA_DB_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL let several gunicorn workers write without "database is locked" errors.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a SQLite or PostgreSQL database.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Passwords: a minimum length and a mix of character classes (lower, upper, digits, others); administrators' passwords
# (三员) expire after XUNCHA_ADMIN_PASSWORD_DAYS and must then be changed at the next sign-in.
XUNCHA_PASSWORD_MIN_LENGTH = env.get_int("XUNCHA_PASSWORD_MIN_LENGTH", 10, minimum=8)
XUNCHA_PASSWORD_MIN_CLASSES = env.get_int("XUNCHA_PASSWORD_MIN_CLASSES", 3, minimum=1)
if XUNCHA_PASSWORD_MIN_CLASSES > 4:
    raise ImproperlyConfigured("XUNCHA_PASSWORD_MIN_CLASSES counts four kinds of character at most.")
XUNCHA_ADMIN_PASSWORD_DAYS = env.get_int("XUNCHA_ADMIN_PASSWORD_DAYS", 90, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": XUNCHA_PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "xuncha.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": XUNCHA_PASSWORD_MIN_CLASSES},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, comma-separated): behind one of them
# the client is the right-most untrusted address of the header; from anyone else the header is ignored
# (core.http.client_ip, used by the lockout, the public rate limits and the access log).
XUNCHA_TRUSTED_PROXIES = env.get_list("XUNCHA_TRUSTED_PROXIES", [])
try:
    trusted_networks(XUNCHA_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"XUNCHA_TRUSTED_PROXIES holds something that is no address or CIDR: {exc}") from exc

# Five failed sign-ins lock the account out for half an hour, from wherever they came (accounts.lockout); a client
# address is locked on its own after XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT failures for any user names. The security
# administrator unlocks either before the time is up.
AXES_FAILURE_LIMIT = env.get_int("XUNCHA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT = env.get_int("XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("XUNCHA_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "xuncha.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "xuncha.core.http.client_ip"
# axes warns when its lockout is not keyed on the address; accounts.lockout.LockoutHandler keeps its own per-address
# limit beside the per-account one.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, with single-use recovery codes) for the roles that read clues, reveal reporters, close
# items or administer. Off by default so that the demo accounts sign in with a password alone; a deployment turns
# it on with XUNCHA_2FA=1 (accounts.apps checks that every name in XUNCHA_2FA_ROLES is a role).
XUNCHA_2FA = env.get_bool("XUNCHA_2FA", False)
XUNCHA_2FA_ROLES = env.get_list(
    "XUNCHA_2FA_ROLES",
    ["OFFICE", "OFFICE_LEAD", "GROUP_LEADER", "DISCIPLINE", "ORG_DEPT", "SYSADMIN", "SECURITY_ADMIN", "AUDITOR"],
)
OTP_TOTP_ISSUER = env.get_str("XUNCHA_2FA_ISSUER", "Xuncha")
# Wrong codes in a row double the wait before the next try (1 s, 2 s, 4 s, …), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.get_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env.get_str("XUNCHA_MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Under DEBUG (make dev) WhiteNoise serves straight from the apps' static folders, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# A strict policy: no inline scripts or styles anywhere, every asset from this server.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The files the keys are read from, for the deployment check (``core/checks.py``): keys belong outside var/ and the
# database's folder, readable by the service's user alone.
XUNCHA_KEY_FILES = {
    name: path
    for name in ("SECRET_KEY", "XUNCHA_FIELD_KEY", "XUNCHA_AUDIT_KEY")
    if (path := env.get_str(f"{name}_FILE", ""))
}

# Keys for encrypted fields (residents' identities, sealed clues). XUNCHA_FIELD_KEY holds one or more comma-separated
# Fernet keys, newest first, so that keys can be rotated (`xuncha rotate-keys`). The embedded SQLite set-up (and DEBUG)
# keeps a generated key in var/; a production database must be given its key, so that a lost var/ cannot make the data
# unreadable.
_field_keys = env.secret("XUNCHA_FIELD_KEY")
if _field_keys:
    FIELD_ENCRYPTION_KEYS = [key.strip() for key in _field_keys.split(",") if key.strip()]
elif EMBEDDED_DATABASE or DEBUG:
    FIELD_ENCRYPTION_KEYS = [load_or_create_key(VAR_DIR / "field_key")]
    XUNCHA_KEY_FILES["XUNCHA_FIELD_KEY"] = str(VAR_DIR / "field_key")
else:
    raise ImproperlyConfigured("XUNCHA_FIELD_KEY (or XUNCHA_FIELD_KEY_FILE) is required with DATABASE_URL.")

# Key of the audit log's hash chain (HMAC-SHA256). Kept outside the database, so that someone who can write to
# the database cannot rewrite history and recompute the chain. Keep it stable: events are verified with it.
_audit_key = env.secret("XUNCHA_AUDIT_KEY")
if _audit_key:
    AUDIT_CHAIN_KEY = _audit_key
elif EMBEDDED_DATABASE or DEBUG:
    AUDIT_CHAIN_KEY = load_or_create_key(VAR_DIR / "audit_key")
    XUNCHA_KEY_FILES["XUNCHA_AUDIT_KEY"] = str(VAR_DIR / "audit_key")
else:
    raise ImproperlyConfigured("XUNCHA_AUDIT_KEY (or XUNCHA_AUDIT_KEY_FILE) is required with DATABASE_URL.")

# Key of the backup archives (`xuncha backup`, `xuncha restore`): a long random string. Keep it outside var/ and
# away from the archives, so that a stolen archive reveals nothing; without it no archive can be restored.
BACKUP_KEY = env.secret("XUNCHA_BACKUP_KEY")

# Rectification deadlines, in working days of the Chinese calendar (statutory holidays and 调休 counted): the
# village's plan after feedback, follow-up items after feedback (months), and when the traffic light turns yellow.
XUNCHA_PLAN_WORKING_DAYS = env.get_int("XUNCHA_PLAN_WORKING_DAYS", 15, minimum=1)
XUNCHA_FOLLOW_UP_MONTHS = env.get_int("XUNCHA_FOLLOW_UP_MONTHS", 2, minimum=1)
XUNCHA_YELLOW_WORKING_DAYS = env.get_int("XUNCHA_YELLOW_WORKING_DAYS", 10, minimum=1)
# The deliverables of art. 27 after feedback: the rectification report (整改报告) and the principal leader's report on
# organising the rectification (主要负责人组织落实情况报告), in months; the latter is due with the former unless set.
XUNCHA_REPORT_MONTHS = env.get_int("XUNCHA_REPORT_MONTHS", 2, minimum=1)
XUNCHA_LEADER_REPORT_MONTHS = env.get_int("XUNCHA_LEADER_REPORT_MONTHS", XUNCHA_REPORT_MONTHS, minimum=1)
# A village's lists are fed back only after a report covering it passed its last gate (书记专题会); a county may
# decide otherwise for itself (reporting.FeedbackRule).
XUNCHA_FEEDBACK_NEEDS_APPROVED_REPORT = env.get_bool("XUNCHA_FEEDBACK_NEEDS_APPROVED_REPORT", True)
# Closing an item (销号) takes four eyes: whoever verified it on a return visit never closes it. These items close only
# by the office director: KEY_VILLAGE (items of key villages), FAILED_VISIT (items a return visit found not fixed).
XUNCHA_CLOSING_NEEDS_DIRECTOR = env.get_list("XUNCHA_CLOSING_NEEDS_DIRECTOR", ["KEY_VILLAGE", "FAILED_VISIT"])
if not set(XUNCHA_CLOSING_NEEDS_DIRECTOR) <= {"KEY_VILLAGE", "FAILED_VISIT"}:
    raise ImproperlyConfigured("XUNCHA_CLOSING_NEEDS_DIRECTOR lists KEY_VILLAGE and/or FAILED_VISIT (or is empty).")
# Extensions (整改延期) are asked by the village or the township and approved by the office director, up to this many
# extensions of one item and this many days in all beyond the deadline fed back; beyond either, only the leading
# group (巡察工作领导小组) decides, and the director records its meeting and minutes.
XUNCHA_EXTENSIONS_MAX_COUNT = env.get_int("XUNCHA_EXTENSIONS_MAX_COUNT", 2, minimum=0)
XUNCHA_EXTENSIONS_MAX_DAYS = env.get_int("XUNCHA_EXTENSIONS_MAX_DAYS", 180, minimum=0)
if XUNCHA_EXTENSIONS_MAX_DAYS > 3 * 366:
    raise ImproperlyConfigured("XUNCHA_EXTENSIONS_MAX_DAYS is at most three years (1098 days).")

# Residents confirm the fix (``public.ResidentConfirmation``): when the "not fixed" answers to an open item reach
# XUNCHA_UNRESOLVED_MIN and their share of all its answers exceeds XUNCHA_UNRESOLVED_SHARE, the item closes only by
# the office director with a reason, and it is flagged for a return visit.
try:
    XUNCHA_UNRESOLVED_SHARE = float(env.get_str("XUNCHA_UNRESOLVED_SHARE", "0.3"))
except ValueError:
    raise ImproperlyConfigured("XUNCHA_UNRESOLVED_SHARE is a number between 0 and 1, e.g. 0.3.") from None
if not 0 <= XUNCHA_UNRESOLVED_SHARE < 1:
    raise ImproperlyConfigured("XUNCHA_UNRESOLVED_SHARE lies from 0 (any share) up to, but not including, 1.")
XUNCHA_UNRESOLVED_MIN = env.get_int("XUNCHA_UNRESOLVED_MIN", 3, minimum=1)

# Uploaded evidence: the largest file taken (bytes), and the public petition form's limits.
XUNCHA_UPLOAD_MAX_BYTES = env.get_int("XUNCHA_UPLOAD_MAX_MB", 20, minimum=1) * 1_048_576
# Spreadsheets sent for import: the file's size, and what it may unpack to (a zip bomb is refused before reading).
XUNCHA_IMPORT_MAX_BYTES = env.get_int("XUNCHA_IMPORT_MAX_MB", 10, minimum=1) * 1_048_576
XUNCHA_IMPORT_MAX_UNPACKED_BYTES = env.get_int("XUNCHA_IMPORT_MAX_UNPACKED_MB", 200, minimum=1) * 1_048_576
XUNCHA_IMPORT_MAX_ROWS = env.get_int("XUNCHA_IMPORT_MAX_ROWS", 50_000, minimum=1)

# Background jobs (document bundles, large imports) are queued in the database and run by `xuncha db_worker`,
# which `make run` starts next to the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1_048_576
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1_048_576
XUNCHA_PETITIONS_PER_HOUR = env.get_int("XUNCHA_PETITIONS_PER_HOUR", 5, minimum=1)
# How long an archived round's files (卷宗) are kept: PERMANENT (永久), Y30 (30年) or Y10 (10年).
ARCHIVE_RETENTION = env.get_str("XUNCHA_ARCHIVE_RETENTION", "PERMANENT")
if ARCHIVE_RETENTION not in ("PERMANENT", "Y30", "Y10"):
    raise ImproperlyConfigured("XUNCHA_ARCHIVE_RETENTION is PERMANENT, Y30 or Y10.")

XUNCHA_DEMO_PASSWORD = env.get_str("XUNCHA_DEMO_PASSWORD", "xuncha-demo")

# Outgoing mail (reminders). Without EMAIL_HOST, reminders stay in the app (the bell) and no mail is sent: under
# DEBUG mail is printed to the log; in production say so with XUNCHA_NO_EMAIL=1 (else `check --deploy` fails).
_email_host = env.get_str("EMAIL_HOST", "")
XUNCHA_EMAIL_ENABLED = bool(_email_host)
_no_email = env.get_bool("XUNCHA_NO_EMAIL", False)
if _email_host and _no_email:
    raise ImproperlyConfigured("Set either EMAIL_HOST or XUNCHA_NO_EMAIL=1, not both.")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env.get_int("EMAIL_PORT", 25, minimum=1),
                "username": env.get_str("EMAIL_HOST_USER", ""),
                "password": env.secret("EMAIL_HOST_PASSWORD") or "",
                "use_tls": env.get_bool("EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
        if _email_host
        else {"BACKEND": "xuncha.core.mail.NoEmailBackend"}
        if _no_email
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "xuncha@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The REST API (/api/v1/): session or token sign-in, signed-in users only, JSON in and out, 50 rows a page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xuncha.accounts.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xuncha.core.api.exception_handler",
}
# The schema and the Swagger UI are for signed-in users; Swagger UI's files come from the sidecar (no internet).
SPECTACULAR_SETTINGS = {
    "TITLE": "Xuncha API",
    "DESCRIPTION": "The REST API of the village-level inspection work platform (巡察).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies are validated whole (a problem's edit needs expected_version): no all-optional "Patched" copies.
    "COMPONENT_SPLIT_PATCH": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Tags start folded: the API has some thirty of them, and Swagger UI stops drawing a page that long unfolded.
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProblemStatusEnum": "xuncha.findings.models.Problem.Status",
        "ProblemSourceEnum": "xuncha.findings.models.Problem.Source",
        "PetitionStatusEnum": "xuncha.findings.models.Petition.Status",
        "ClueStatusEnum": "xuncha.findings.models.Clue.Status",
        "ClueSourceEnum": "xuncha.findings.models.Clue.Source",
        "NoticeStatusEnum": "xuncha.findings.models.ImmediateFixNotice.Status",
        "ReportKindEnum": "xuncha.reporting.models.Report.Kind",
        "GateKindEnum": "xuncha.reporting.models.Gate.Kind",
        "TalkStatusEnum": "xuncha.fieldwork.models.TalkRecord.Status",
    },
}
