"""AutoAgenda settings: the only settings module, driven by the environment.

Every variable read here is listed in `.env.example` and `docs/configuration.md`.
`DEBUG` is off unless set (the Makefile and the test suite turn it on), and then
the process refuses to start without a real `SECRET_KEY`. The other defaults suit
one machine (SQLite under `var/`, console email, in-memory channel layer);
production sets `SECRET_KEY`, `ALLOWED_HOSTS`, `DATABASE_URL` and `REDIS_URL`.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from autoagenda.core.proxies import LOCAL_PROXY, parse_trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Under pytest: fast password hashing, no static manifest.
TESTING = env.bool("TESTING", default="pytest" in sys.modules)
# Off unless set: a deployment that forgets it must not run with debug pages, insecure cookies and the public
# key below. `make` recipes set it; the test suite and the type checker (which only imports this) need not.
DEBUG = env.bool("DEBUG", default=TESTING or "mypy" in sys.modules)

# Public on purpose, so a fresh clone runs with no set-up; never accepted with DEBUG off.
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105  (DEBUG only)
_DEV_HINT = "For development on your own machine set DEBUG=1 (make run and make test do)."
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY.strip() and DEBUG:
    SECRET_KEY = _DEV_SECRET
# API tokens are signed with their own key when one is given (empty: SECRET_KEY, never an empty HMAC key).
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY
if not DEBUG:
    for _name, _key in (("SECRET_KEY", SECRET_KEY), ("JWT_SIGNING_KEY", JWT_SIGNING_KEY)):
        if not _key.strip():
            raise environ.ImproperlyConfigured(f"{_name} must be set when DEBUG is off. {_DEV_HINT}")
        if _key == _DEV_SECRET:
            # Anyone can sign sessions, reset links and API tokens with the published key.
            raise environ.ImproperlyConfigured(
                f"{_name} is the public development key, refused when DEBUG is off: give 50+ random characters. "
                + _DEV_HINT
            )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "autoagenda.core",
    "autoagenda.accounts",
    "autoagenda.locations",
    "autoagenda.catalog",
    "autoagenda.customers",
    "autoagenda.scheduling",
    "autoagenda.walkins",
    "autoagenda.inventory",
    "autoagenda.workorders",
    "autoagenda.deposits",
    "autoagenda.billing",
    "autoagenda.notifications",
    "autoagenda.site",  # the shell: last, above every app (CONTRIBUTING.md, "Layers")
]

MIDDLEWARE = [
    # First: everything below sees the client's address and scheme as resolved from BEHIND_TLS_PROXY.
    "autoagenda.core.proxies.trusted_proxy_middleware",
    "autoagenda.core.headers.permissions_policy_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "autoagenda.core.middleware.ApiErrorMiddleware",
    "autoagenda.core.middleware.RefuseNulMiddleware",
    # Axes must be last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "autoagenda" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "autoagenda.site.context_processors.navigation",
                "autoagenda.notifications.context_processors.inbox",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'autoagenda.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside the one writer; IMMEDIATE takes the write
    # lock at BEGIN so two booking transactions queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env.str("SQLITE_TEST_NAME", default=str(VAR_DIR / "test.sqlite3"))}
else:
    # Persistent connections are per thread; under ASGI each request may run in a
    # new thread, so the safe default closes the connection after each request.
    # A connection pool (psycopg_pool, one per process) saves the connection set-up that each request would
    # otherwise pay; persistent connections (CONN_MAX_AGE) are the alternative for WSGI. Not both.
    DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
    if DATABASE_POOL_MAX_SIZE > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DATABASE_POOL_MAX_SIZE),
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": env.int("DATABASE_POOL_TIMEOUT_SECONDS", default=10),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channels ------------------------------------------------------
# Availability answers are cached until a write changes them (scheduling/freshness.py); this only bounds
# how long an unused answer stays in the cache. 0 turns the cache off.
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=600)
REDIS_URL = env.str("REDIS_URL", default="")


def _redis_of_test_worker(url: str) -> str:
    """Under pytest-xdist each worker process gets its own Redis database (the suite's base one, then the ones
    below it), so one worker's cache.clear() (a FLUSHDB) or channel groups never reach another's tests. The
    worker's URL is put back into the environment for the servers and workers a test starts; they derive the
    same database from REDIS_URL_BASE."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (url and TESTING and worker.startswith("gw") and worker[2:].isdigit()):
        return url
    base = urlsplit(os.environ.setdefault("REDIS_URL_BASE", url))
    database = int(base.path.strip("/") or 0)
    mine = urlunsplit(base._replace(path=f"/{(database - int(worker[2:])) % 16}"))
    os.environ["REDIS_URL"] = mine
    return mine


REDIS_URL = _redis_of_test_worker(REDIS_URL)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # channels-redis waits for messages with a 5 s blocking pop; redis-py (>= 8) reads with a 5 s socket timeout
    # by default, so every consumer idle for 5 s would die with "Timeout reading". Read longer than the pop.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash thousands of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

# Login lockout: failures per (account, IP) within the cool-off window.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False
# The client is REMOTE_ADDR as autoagenda.core.proxies resolved it; pinned in case django-ipware gets installed.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["autoagenda.accounts.tokens.LoginJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "autoagenda.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "autoagenda.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["autoagenda.core.parsers.JSONParser"],
    "DEFAULT_METADATA_CLASS": "autoagenda.core.metadata.Metadata",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="240/min"),
        "user": env.str("THROTTLE_USER", default="2400/min"),
        "register": env.str("THROTTLE_REGISTER", default="30/hour"),
        # Per IP, shared by auth/token/, auth/token/refresh/ and auth/logout/. API.md wants at least
        # 120/min for anonymous callers; per-account guessing is stopped by axes, not by this.
        "auth": env.str("THROTTLE_AUTH", default="240/min"),
    },
    # 0: the client is REMOTE_ADDR, which autoagenda.core.proxies sets from a trusted proxy's header only.
    "NUM_PROXIES": 0,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
JWT_ACCESS_MINUTES = env.int("JWT_ACCESS_MINUTES", default=5)
if not 1 <= JWT_ACCESS_MINUTES <= 10:
    # Access tokens cannot be recalled one by one; a short life bounds a stolen one.
    raise environ.ImproperlyConfigured("JWT_ACCESS_MINUTES must be between 1 and 10")
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=JWT_ACCESS_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
}
# Seconds within which a second use of a just-rotated refresh token is treated
# as a benign race (401 only) rather than a theft (the whole login revoked).
JWT_REFRESH_REUSE_LEEWAY_SECONDS = env.int("JWT_REFRESH_REUSE_LEEWAY_SECONDS", default=0)

SPECTACULAR_SETTINGS = {
    "TITLE": "AutoAgenda API",
    "DESCRIPTION": "Appointments, walk-in queue and shop floor for workshops.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The schema and the docs are public and ignore any Authorization header (a stale token
    # must not break them); the JWT security scheme still comes from each endpoint.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # `<id:…>` (autoagenda/core/converters.py): a positive 64-bit integer.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {"WorkOrderStatusEnum": "autoagenda.workorders.models.WorkOrderStatus"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "autoagenda.core.schema.document_errors",
    ],
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["autoagenda.core.formats"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_LOCATION_TIMEZONE = env.str("DEFAULT_LOCATION_TIMEZONE", default="America/Santiago")
CURRENCY = env.str("CURRENCY", default="CLP")
# The country of a phone number typed without "+" when no location says which (ISO 3166 code).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="CL").upper()

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "autoagenda" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Email ----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # The same console, readable: subject, sender, attachments and the plain text, not a MIME dump.
    EMAIL_BACKEND = "autoagenda.notifications.transports.console.ReadableConsoleEmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="AutoAgenda <no-reply@autoagenda.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A provider's HTTP API instead of EMAIL_URL (django-anymail); empty: EMAIL_URL decides.
EMAIL_PROVIDER = env.str("EMAIL_PROVIDER", default="").strip().lower()
BREVO_API_KEY = env.str("BREVO_API_KEY", default="")
BREVO_API_URL = env.str("BREVO_API_URL", default="https://api.brevo.com/v3/")
PROVIDER_TIMEOUT_SECONDS = env.float("PROVIDER_TIMEOUT_SECONDS", default=10.0)
if EMAIL_PROVIDER == "brevo":
    EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    ANYMAIL = {"BREVO_API_KEY": BREVO_API_KEY, "BREVO_API_URL": BREVO_API_URL, "REQUESTS_TIMEOUT": EMAIL_TIMEOUT}
elif EMAIL_PROVIDER:
    raise environ.ImproperlyConfigured(f"EMAIL_PROVIDER={EMAIL_PROVIDER!r}: use brevo, or leave it empty for EMAIL_URL")

# --- SMS and WhatsApp -----------------------------------------------------------
# Online deposits at booking (autoagenda.deposits): `fake` (a test checkout page inside the app; the development
# default) or `stripe` (Checkout Sessions; its webhook at /api/v1/payments/webhook/stripe/).
PAYMENTS_PROVIDER = env.str("PAYMENTS_PROVIDER", default="fake").strip().lower()
if PAYMENTS_PROVIDER not in ("fake", "stripe"):
    raise environ.ImproperlyConfigured(f"PAYMENTS_PROVIDER={PAYMENTS_PROVIDER!r}: use fake or stripe")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # empty = Stripe's own; tests aim it at a local server
if PAYMENTS_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise environ.ImproperlyConfigured("PAYMENTS_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET")

SMS_PROVIDER = env.str("SMS_PROVIDER", default="console").strip().lower()
WHATSAPP_PROVIDER = env.str("WHATSAPP_PROVIDER", default="console").strip().lower()
for _name, _value, _allowed in (
    ("SMS_PROVIDER", SMS_PROVIDER, ("console", "twilio", "brevo")),
    ("WHATSAPP_PROVIDER", WHATSAPP_PROVIDER, ("console", "twilio")),
):
    if _value not in _allowed:
        raise environ.ImproperlyConfigured(f"{_name}={_value!r}: use one of {', '.join(_allowed)}")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_SMS_FROM = env.str("TWILIO_SMS_FROM", default="")
TWILIO_WHATSAPP_FROM = env.str("TWILIO_WHATSAPP_FROM", default="")
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="")
BREVO_SMS_SENDER = env.str("BREVO_SMS_SENDER", default="AutoAgenda")

# --- Notifications outbox and worker ----------------------------------------------
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
NOTIFICATIONS_INBOX_RETENTION_DAYS = env.int("NOTIFICATIONS_INBOX_RETENTION_DAYS", default=90)
NOTIFICATIONS_OUTBOX_RETENTION_DAYS = env.int("NOTIFICATIONS_OUTBOX_RETENTION_DAYS", default=180)
WORKER_BATCH_SIZE = env.int("WORKER_BATCH_SIZE", default=20)
WORKER_LEASE_SECONDS = env.float("WORKER_LEASE_SECONDS", default=120.0)
WORKER_POLL_SECONDS = env.float("WORKER_POLL_SECONDS", default=1.0)

# --- Security -------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
# The proxies (addresses, networks or *) whose X-Forwarded-For / X-Forwarded-Proto are believed; from any other
# peer those headers are dropped (autoagenda/core/proxies.py). `1` keeps the old bool's meaning: the proxies
# the ASGI server trusted by default, FORWARDED_ALLOW_IPS or else 127.0.0.1 and ::1.
try:
    TRUSTED_PROXIES = parse_trusted_proxies(
        env.str("BEHIND_TLS_PROXY", default=""), when_true=env.str("FORWARDED_ALLOW_IPS", default=LOCAL_PROXY)
    )
except ValueError as exc:
    raise environ.ImproperlyConfigured(str(exc)) from exc
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Browser features pages may use (Permissions-Policy header, autoagenda/core/headers.py): only what the product
# needs. The public queue screen plays its chime itself (autoplay) and may go full screen; nothing uses the rest.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": ["self"],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF, "ws:", "wss:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

# --- Logging --------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "autoagenda.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
