"""
Settings for the MoU Registry.

Everything that differs between a laptop and production comes from the
environment, read through the helpers below. Development is the easy
path (``DJANGO_DEBUG=1``, SQLite next to this file); production is the
default and refuses to start when it is misconfigured.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    """A yes/no setting; a value it does not understand (``DJANGO_DEBUG=ture``) stops the
    site rather than silently meaning "no"."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS | FALSE_WORDS:
        return value in TRUE_WORDS
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not understood: use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_cache(name, default="locmem://"):
    """The default cache from a URL: ``redis://HOST:PORT/DB`` (Django's own RedisCache,
    shared by every worker: what production runs) or ``locmem://`` (this process's
    memory: the embedded default, enough for one process). Anything else stops the site."""
    url = env(name, default).strip()
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"{name}={url!r} is not understood: use redis://HOST:PORT/DB or locmem://."
    )


def env_rate(name, default):
    """A rate such as ``30/m`` (requests per second, minute or hour)."""
    value = env(name, default).strip()
    count, _, period = value.partition("/")
    if count.isascii() and count.isdigit() and int(count) > 0 and period in ("s", "m", "h"):
        return value
    raise ImproperlyConfigured(f"{name}={value!r} is not understood: use e.g. 30/m.")


def env_int(name, default, minimum=0):
    """A whole number of at least ``minimum``; anything else (``DJANGO_HSTS_SECONDS=1y``,
    ``-1``) stops the site with a message rather than a traceback or a surprise."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} is not understood: use a whole number of at "
            f"least {minimum}."
        )
    return int(value)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set in production (or set DJANGO_DEBUG=1 for development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's hosts in production.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "import_export",
    "axes",
    "csp",
    "agreements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache, so that a cached API answer gets its CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a cached public page skips everything below.
    "mouregistry.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The address's language (/hi/ Hindi, else English); before CommonMiddleware, whose
    # added slash must resolve in it.
    "mouregistry.i18n.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses a body too big for who sends it, before the CSRF check reads it.
    "mouregistry.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mouregistry.security.ContentSecurityPolicyMiddleware",
    "mouregistry.security.BrowserPolicyMiddleware",
    # Last, so that it turns a lockout found during the login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mouregistry.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "mouregistry.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: it pays off for queries that run for seconds, and ours are
    # short ones that PostgreSQL's estimates often put above jit_above_cost; it then
    # spent 0.4-1.2 s compiling an import's UPDATEs, which ran in 0.2 s without it.
    # Options given in DATABASE_URL (?options=...) come after, so they win.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c jit=off {options.get('options', '')}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Whole public pages (mouregistry.pagecache), the home page's overview and the rate
# limits' counters live here; with several workers it must be shared: CACHE_URL=redis://.
CACHES = {"default": env_cache("CACHE_URL")}

# Searches and downloads an anonymous address may make (mouregistry.throttling); more
# get 429 with Retry-After. Pages served from the page cache cost nothing and count not.
PUBLIC_RATE_LIMIT = env_rate("DJANGO_PUBLIC_RATE_LIMIT", "60/m")
# Reports of errors an anonymous address may send (agreements.views.report_error).
CORRECTIONS_RATE_LIMIT = env_rate("DJANGO_CORRECTIONS_RATE_LIMIT", "5/h")
# Requests to the API (/api/) an anonymous address may make; more get 429 with
# Retry-After. Answers from the page cache cost nothing and count not.
API_RATE_LIMIT = env_rate("DJANGO_API_RATE_LIMIT", "60/m")
# Should the cache be unreachable, serve rather than refuse every search and download.
RATELIMIT_FAIL_OPEN = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# django-axes first: a locked-out username or address is refused before any backend
# hashes the password it sent.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at today's addresses, Hindi under /hi/ (mouregistry.i18n; README, "In Hindi").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# The registry's public name, used in page titles, citations and feeds.
REGISTRY_NAME = env("REGISTRY_NAME", "MoU Registry")

# Where readers write to the editors to report an error (/about/); unset, no address is
# shown.
REGISTRY_CONTACT_EMAIL = env("REGISTRY_CONTACT_EMAIL")

# django-import-export lets every staff user import unless told otherwise: importing
# needs "add" (Editors have it, Viewers do not); exporting needs "view", which both
# groups have, as anyone may download the published MoUs from the public site.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Admin uploads above this size or with more rows are refused; bigger files go through
# ``manage.py import_mous`` (agreements.importing.reading has every limit). The admin
# previews and imports 2,000 rows in 4 s at most, well within gunicorn's 30 s timeout,
# on SQLite and PostgreSQL (benchmarks/admin_import.py; README, "Limits").
IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
IMPORT_ADMIN_MAX_ROWS = 2_000
# An admin import's file waits between preview and confirmation in a directory of its
# own, under random names the confirmation cannot step out of, for an hour at most and
# 100 MB in all (agreements.import_previews).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "agreements.import_previews.PreviewStorage"
IMPORT_PREVIEW_DIR = env(
    "DJANGO_IMPORT_PREVIEW_DIR",
    str(Path(tempfile.gettempdir()) / f"mouregistry-import-previews-{os.getuid()}"),
)
IMPORT_PREVIEW_MAX_AGE = 60 * 60
IMPORT_PREVIEW_MAX_BYTES = 20 * IMPORT_MAX_UPLOAD_BYTES
# The whole dataset's files (/data/), one ZIP and one JSON per data version
# (agreements.dataset); a build deletes older versions' files.
DATASET_DIR = env("DJANGO_DATASET_DIR", str(BASE_DIR / "var" / "dataset"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024
# Request bodies bigger than these are refused with 413 before anything reads them
# (mouregistry.request_limits): anyone's (a login form; the public site takes none), and
# a staff user's on the admin's pages; the import pages take IMPORT_MAX_UPLOAD_BYTES.
REQUEST_MAX_BODY_BYTES = 64 * 1024
STAFF_REQUEST_MAX_BODY_BYTES = 5 * 1024 * 1024 // 2

# The read-only API (agreements.api): public data as JSON to anyone, no session, no
# browsable pages (the reference page, /api/v1/, is the site's own), documented by
# drf-spectacular from the views and the list filters' FilterSets.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["agreements.api.conventions.RegistryJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["agreements.api.conventions.AddressRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "agreements.api.conventions.RegistryPagination",
    "DEFAULT_SCHEMA_CLASS": "agreements.api.schema.RegistrySchema",
    "EXCEPTION_HANDLER": "agreements.api.conventions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{REGISTRY_NAME} API",
    "DESCRIPTION": "The registry's published MoUs, commitments, parties, states, "
    "programmes, sectors, clusters and sources, read-only, as JSON.",
    "VERSION": "1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "agreements.api.schema.with_licence",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name per set of choices, where several fields share it.
    "ENUM_NAME_OVERRIDES": {
        "MouStatus": "agreements.models.MouStatus",
        "CommitmentStatus": "agreements.models.CommitmentStatus",
        "Precision": "agreements.models.Precision",
        "CommitmentKind": "agreements.models.Commitment.Kind",
        "PartyKind": "agreements.models.Party.Kind",
        "StateKind": "agreements.models.State.Kind",
    },
}
# Browser-based tools on any site may read the API, and only the API.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["Link", "Retry-After"]

# Security: strict in production, overridable where a proxy terminates TLS.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /healthz over plain HTTP, behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# How many proxies in front of the site append the client's address to X-Forwarded-For
# (1 for nginx or Caddy alone). 0: the header is ignored, as anyone can send one.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Login throttling (django-axes): after this many failed logins for one username, or from
# one address, every further attempt for it is refused, without checking the password,
# until the cool-off has passed since the last one.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "mouregistry.security.client_address"
AXES_LOCKOUT_CALLABLE = "mouregistry.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Keep every failed login (Editors see them in the admin), not every successful one.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True

# Content Security Policy (django-csp): scripts, styles, images and fonts only from the
# site itself, nothing inline. Report-only in development, where a browser's console
# shows what it would block; enforced in production.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The admin's policy adds exactly the inline attributes of django-import-export's export
# page (its "Select all" toggle's handler and two styles), each by its hash, so that no
# other inline code runs there either. tests/test_security_headers.py checks that every
# inline attribute the admin renders is one of these.
ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS = {
    "script-src": ["'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
    "style-src": [
        "'unsafe-hashes'",
        "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",
        "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",
    ],
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
# Browser features no page of the registry uses (mouregistry.security).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# One line per event on standard error, for gunicorn or systemd to collect. The audit log
# (agreements/audit.py: imports, admin changes, failed logins, lockouts) is always on;
# axes' own lines are left out, as they name the address and browser of whoever tried.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "mouregistry.audit": {"level": "INFO"},
        "axes": {"level": "ERROR"},
    },
}
