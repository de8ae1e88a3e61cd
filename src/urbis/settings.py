"""One settings module for every deployment, driven by ``URBIS_*`` environment variables.

The defaults give a safe local install: SQLite in the data directory, debug off. ``urbis demo``
switches debug on for itself; production sets a secret key, allowed hosts and a database URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from urbis.web.security import tile_sources

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("URBIS_DATA_DIR", "./var")).resolve()
DEBUG = _env_bool("URBIS_DEBUG")

# The fallback keeps local runs and tests simple; its "django-insecure-" prefix makes
# `urbis check --deploy` flag any deployment that forgot URBIS_SECRET_KEY.
SECRET_KEY = os.environ.get("URBIS_SECRET_KEY") or (
    "django-insecure-urbis-local-development-key-0123456789abcdef"
)
ALLOWED_HOSTS = _env_list("URBIS_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("URBIS_CSRF_TRUSTED_ORIGINS", "")

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("URBIS_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'urbis.sqlite3'}",
        conn_max_age=int(os.environ.get("URBIS_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers with one writer, and waits instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Connections last URBIS_DB_CONN_MAX_AGE as on PostgreSQL: opening the file per request
    # was a fifth of a worker's time (docs/PERFORMANCE.md, "OGC API and catalogue").

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs: a queue in the platform's own database, run by `urbis worker`
# (docs/ARCHITECTURE.md, "Background jobs"; docs/decisions/0009-database-task-queue.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A worker whose heartbeat is older than this is taken for dead and its running job is failed.
URBIS_WORKER_STALE_SECONDS = int(os.environ.get("URBIS_WORKER_STALE_SECONDS", "60"))

# One cache for every web and worker process (a table in the same database; `urbis migrate`
# creates it), never a dictionary per process that the others cannot see or clear.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "urbis_cache",
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "urbis.web",
    "urbis.people",
    "urbis.places",
    "urbis.strategy",
    "urbis.engagement",
    "urbis.energy",
    "urbis.opendata",
    "urbis.scenarios",
    "urbis.policy",
    "urbis.insight",
    "urbis.demo",
    "django_tasks",
    "django_tasks_db",
    "urbis.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and far-future caching, from every process, no proxy rule.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "urbis.web.timezones.CityTimeZoneMiddleware",
]

ROOT_URLCONF = "urbis.urls"
WSGI_APPLICATION = "urbis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "urbis.web.context_processors.platform",
            ],
        },
    }
]

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["urbis.people.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

EMAIL_BACKEND = os.environ.get(
    "URBIS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("URBIS_DEFAULT_FROM_EMAIL", "urbis@localhost")

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
# A container image collects static files at build time, outside the data volume.
STATIC_ROOT = Path(os.environ.get("URBIS_STATIC_ROOT") or DATA_DIR / "static").resolve()
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# `collectstatic` (run by `urbis serve`) writes names with a content hash and compressed copies
# that WhiteNoise serves; with DEBUG on (the demo) files are served as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "urbis.staticfiles.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Optional base-map tiles, e.g. "https://tile.example.org/{z}/{x}/{y}.png". The map draws
# boundaries without them, so a city can run Urbis with no third-party tile server at all.
TILE_URL = os.environ.get("URBIS_TILE_URL", "")
TILE_ATTRIBUTION = os.environ.get("URBIS_TILE_ATTRIBUTION", "")
# Optional vector base map: a .pmtiles file (a path on this server, which Urbis serves itself,
# or an http(s) URL on this same site), drawn with MapLibre and the Protomaps style (docs/MAPS.md).
BASEMAP_PMTILES = os.environ.get("URBIS_BASEMAP_PMTILES", "")

# Security headers on every response (docs/ARCHITECTURE.md, "Security headers"): scripts and
# styles from this site only, never inline (Leaflet and Chart.js set styles through the DOM,
# which the policy allows). Images may also come from the base-map tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *tile_sources(TILE_URL)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features no page of Urbis uses, switched off for every frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "geolocation", "gyroscope", "hid", "magnetometer", "microphone",
        "midi", "payment", "serial", "usb", "xr-spatial-tracking",
    )
}

ENERGY_ENGINE = os.environ.get("URBIS_ENERGY_ENGINE", "duckdb")
# Readings files larger than this are checked in slices of whole meters (bounded memory);
# 0 keeps the engine's default of 3 million (about 1.1-1.5 GiB per ingestion).
ENERGY_INGEST_SLICE_ROWS = int(os.environ.get("URBIS_ENERGY_INGEST_SLICE_ROWS", "0") or 0)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("URBIS_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = _env_bool("URBIS_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("URBIS_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("URBIS_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("URBIS_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("URBIS_LOG_LEVEL", "WARNING")},
}
