"""HomeRx settings: one file, driven by environment variables.

Every variable is listed in README.md ("Configuration"). Defaults are for a
local development run; production sets DEBUG=0 and the secrets.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_key_prefix, envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Absolute address used in emails and the QR code on printed handouts.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "core",
    "patients",
    "exercises",
    "prescriptions",
    "progress",
    "outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews the idle expiry once a minute (not SESSION_SAVE_EVERY_REQUEST: a write per page).
    "config.middleware.SessionIdleRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "patients.middleware.CurrentClinicMiddleware",
    "patients.middleware.InterfaceLanguageMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.PrivatePagesNoStoreMiddleware",
    # Last, so it sees the outcome of authentication for lockouts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "patients.context_processors.clinic",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (or anything dj-database-url understands) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one process writes, and commits without a full sync;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not Django's shared in-memory database: there, concurrent requests of the
    # browser tests' live server fail at once with "database table is locked" instead of waiting
    # for the write lock (busy_timeout applies to files only).
    # One file per test run (the process id), so two runs in one checkout never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (Redis) keeps rate limits consistent across app servers.
REDIS_URL = envstr("REDIS_URL", "")
# Every key starts with the deployment's own prefix: two HomeRx sharing one Redis database never
# read each other's entries. By default it is derived from the database, which is the deployment.
CACHE_KEY_PREFIX = envstr("CACHE_KEY_PREFIX", database_key_prefix(DATABASES["default"]))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": CACHE_KEY_PREFIX}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # After axes (whose backend force_login and sessions use), before any password is checked.
    "patients.backends.AddressLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
# The first page each role may see (config.views.home).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account, or an address, after repeated failed sign-ins.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# One account from one address is locked after AXES_FAILURE_LIMIT failures; a colleague
# behind the same clinic address can still sign in. A scanner trying many accounts from one
# address is stopped by the much higher per-address limit (patients.signals).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SIGNIN_ADDRESS_FAILURE_LIMIT = envint("SIGNIN_ADDRESS_FAILURE_LIMIT", 50)
# The client address as core.client.client_ip reads it (proxy-aware), for axes too.
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip"
# Renders registration/locked_out.html with the cool-off in minutes (429).
AXES_LOCKOUT_CALLABLE = "patients.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Idle sessions expire: activity renews them (config.middleware.SessionIdleRenewalMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy or load balancer: trust X-Forwarded-Proto, and read the
# client address from X-Forwarded-For as appended by TRUSTED_PROXY_COUNT proxies (core.client).
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
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

LANGUAGE_CODE = "en"
# Every language a patient can read a handout in, and a clinician can work in. Names are
# shown in their own language in the pickers (translated via gettext_lazy for the interface).
# A language joins when its message catalogue is complete (tests/test_translations_complete.py):
# French's is still being translated (locale/fr).
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("zh-hans", _("Simplified Chinese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party assets come from npm packages installed at setup (package-lock.json).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
    ("vendor/atkinson", NODE_MODULES / "@fontsource" / "atkinson-hyperlegible"),
]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# Issued PDFs and clearance letters: never served as public media, only through
# views that check the user's clinic (or a valid patient link).
PRIVATE_MEDIA_ROOT = Path(envstr("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# S3-compatible object storage for every uploaded and issued file, when S3_BUCKET is set: public
# media under "media/", private files under "private/" of one bucket, all objects private and
# served by the app's views (core/s3.py says why). Several app servers and workers then share
# the files; local disk stays the default for one machine.
S3_BUCKET = envstr("S3_BUCKET", "")
if S3_BUCKET:
    from core.s3 import s3_storages  # imports boto3: only when it is used

    STORAGES.update(
        s3_storages(
            bucket=S3_BUCKET,
            endpoint_url=envstr("S3_ENDPOINT_URL", ""),
            access_key=envsecret("S3_ACCESS_KEY_ID"),
            secret_key=envsecret("S3_SECRET_ACCESS_KEY"),
            region=envstr("S3_REGION", "us-east-1"),
            connect_timeout=envint("S3_CONNECT_TIMEOUT", 3),
            read_timeout=envint("S3_READ_TIMEOUT", 20),
        )
    )
WHITENOISE_USE_FINDERS = DEBUG
# Upload limits (bytes / pixels): pictures, logos and clearance letters.
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
MAX_IMAGE_PIXELS = envint("MAX_IMAGE_PIXELS", 4000 * 4000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "HomeRx <no-reply@homerx.local>")

# Slow work (rendering an issued PDF, e-mail) runs as a background task. "immediate" runs it in the
# request (development, tests); "database" queues it for `manage.py db_worker`.
TASKS_BACKEND = envstr("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# How long one task run owns a handout it renders; after that the next worker takes it over
# (prescriptions/handout/issue.py). Longer than the slowest render.
HANDOUT_RENDER_LEASE_SECONDS = envint("HANDOUT_RENDER_LEASE_SECONDS", 300)
# Test hook of the whole-stack test only (issue._pause_if_asked): never set in a deployment.
RENDER_PAUSE_FILE = envstr("HOMERX_RENDER_PAUSE_FILE", "")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler redacts patient-link and invitation tokens from paths (core.logging).
    "filters": {"redact_tokens": {"()": "core.logging.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint logs refused fetches as warnings; keep them, they mean a template asked for
    # something outside the project.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
        # Django's own handlers (runserver's request lines, the request logger's console and
        # email) are replaced by the redacting one.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
