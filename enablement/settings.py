"""Settings for the enablement content library, read top to bottom.

Every knob comes from the environment with a safe default for development. With
DEBUG off the app refuses to start without SECRET_KEY.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A CSP source for a framing origin: scheme://host[:port], the host may start with "*." (no paths,
# quotes or semicolons: the value goes into a header).
FRAME_ORIGIN = r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d{1,5}|\*))?"


def env_origins(name: str) -> list[str]:
    """Reads origins separated by spaces or commas; anything that is not one is refused."""
    origins = [item for item in re.split(r"[\s,]+", os.environ.get(name, "")) if item]
    for origin in origins:
        if not re.fullmatch(FRAME_ORIGIN, origin):
            raise ImproperlyConfigured(f"{name}: {origin!r} is not an origin like https://app.example.com")
    return origins


def env_map(name: str, default: str = "") -> dict[str, str]:
    """Reads "a=A,b=B" as {"a": "A", "b": "B"}; an item without "=" is refused."""
    mapping = {}
    for item in env_list(name, default):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: {item!r} is not written key=value")
        mapping[key.strip()] = value.strip()
    return mapping


DEBUG = env_bool("DEBUG", True)
# Django's debug pages for a missing page (the list of every URL pattern) instead of the styled
# ones people see: on only for developers (`make dev`); `make run` shows what production shows.
DEBUG_PAGES = env_bool("DEBUG_PAGES", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "content.apps.EnablementAdminConfig",  # django.contrib.admin, its edits audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "auditlog",
    "content",
]

MIDDLEWARE = [
    "content.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "content.limits.RejectNulQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "content.panel.SessionMiddleware",  # Django's, with the CRM side panel's own session under /embed/
    "django.middleware.common.CommonMiddleware",
    "content.panel.CsrfViewMiddleware",  # Django's; under /embed/ its secret is in the panel's session
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "content.audit.AuditContextMiddleware",
    "content.middleware.LoginRequiredMiddleware",
    "content.middleware.LastSeenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "content.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "content.middleware.StyledErrorPagesMiddleware",
]

# Django's check for its CSRF middleware looks for the class by name; content.panel's subclass of it
# stands in its place and has a check of its own (content.E002).
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "enablement.urls"
WSGI_APPLICATION = "enablement.wsgi.application"

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
                "content.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or anything dj-database-url knows) by DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with its health check of a kept connection at most once a second per
    # connection instead of on every request (enablement/postgresql/base.py); 0: every request.
    HEALTH_CHECK_SECONDS = env_int("DB_HEALTH_CHECK_SECONDS", 1)
    if HEALTH_CHECK_SECONDS < 0:
        raise ImproperlyConfigured(f"DB_HEALTH_CHECK_SECONDS must be 0 or more, got {HEALTH_CHECK_SECONDS}")
    # PostgreSQL's JIT compilation off on the app's connections unless DB_JIT=1: the reports' plans
    # cost enough to trigger it, and compiling took 50-100 ms of a query that runs in a few hundred
    # (the usage report at 10M uses: 768 ms with it, 644 ms without; docs/benchmarks.md).
    DATABASES["default"].update(
        ENGINE="enablement.postgresql", HEALTH_CHECK_SECONDS=HEALTH_CHECK_SECONDS, JIT=env_bool("DB_JIT", False)
    )
    # Prepared statements: a statement a connection runs DB_PREPARE_THRESHOLD times is parsed and
    # planned once, then only executed (parameters bound by the server, as they must be for it).
    # Half of PostgreSQL's time per search and asset call went to planning the same few statements.
    # 0 turns it off: for a pooler that cannot keep statements per connection (PgBouncer in
    # transaction mode before 1.21).
    PREPARE_THRESHOLD = env_int("DB_PREPARE_THRESHOLD", 5)
    if PREPARE_THRESHOLD < 0:
        raise ImproperlyConfigured(f"DB_PREPARE_THRESHOLD must be 0 or more, got {PREPARE_THRESHOLD}")
    if PREPARE_THRESHOLD:
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=PREPARE_THRESHOLD)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded default survive concurrent writers.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "library"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on by OpenID Connect (content/sso.py): on when OIDC_ISSUER is set, off entirely (no
# button, no routes) otherwise. Endpoints and keys are discovered from
# <OIDC_ISSUER>/.well-known/openid-configuration; every call to the provider gives up after
# OIDC_TIMEOUT_SECONDS. OIDC_ROLE_MAP maps values of the groups claim to the role groups
# (content/permissions.py), e.g. "sales-team=Sales,marketing=Marketing,sales-managers=Managers".
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile groups")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_ROLE_MAP = env_map("OIDC_ROLE_MAP")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 4)
# Accounts are linked to (issuer, subject). After OIDC_ISSUER changes, an account linked at the former
# issuer is moved to the new one at its first sign-in only if OIDC_RELINK_BY allows: `username` (the
# same username claim) or `email` (the same email address, verified by the provider); empty (the
# default): refused with a page saying so, until an administrator links it.
OIDC_RELINK_BY = env_str("OIDC_RELINK_BY", "").strip().lower()
if OIDC_RELINK_BY not in ("", "username", "email"):
    raise ImproperlyConfigured("OIDC_RELINK_BY must be empty, `username` or `email`.")
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed too.")
# mozilla-django-oidc's own knobs, fixed: the code flow with PKCE and a nonce, RS256 ID tokens.
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_USE_PKCE = True
# kept in the session for signing out at the provider too (its id_token_hint; content/views/auth.py)
OIDC_STORE_ID_TOKEN = True
OIDC_RP_SIGN_ALGO = "RS256"
# PASSWORD_SIGN_IN=0: the sign-in page has no password form and every password sign-in is refused
# (page, API token endpoint), except staff at /admin/login/ while ADMIN_PASSWORD_SIGN_IN is on:
# the way in when the provider is down.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
ADMIN_PASSWORD_SIGN_IN = env_bool("ADMIN_PASSWORD_SIGN_IN", True)
# A signed-in user's last activity is written at most once per this many seconds (0: not recorded).
LAST_SEEN_INTERVAL_SECONDS = env_int("LAST_SEEN_INTERVAL_SECONDS", 300)

# API tokens older than this many days are refused (0: tokens never expire).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)

# The audit log (content/audit/): django-auditlog writes its field diffs into the app's own table,
# with typed values; the request id is ours (a client's X-Correlation-ID is not stored). Events older
# than AUDIT_RETENTION_DAYS are deleted by `manage.py prune_audit` (0: kept for ever).
AUDITLOG_LOGENTRY_MODEL = "content.AuditEvent"
# auditlog's migrations only create its own LogEntry table, which the setting above replaces: without
# them no empty, misleading auditlog_logentry table is made.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_CID_GETTER = "content.audit.context.current_request_id"
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be 0 (keep for ever) or a number of days.")

# Sign-in protection (django-axes, content/throttling.py): a username is locked for
# LOGIN_LOCKOUT_SECONDS after LOGIN_MAX_FAILURES failed sign-ins; an address only after
# LOGIN_MAX_FAILURES_PER_ADDRESS, since a whole office behind one proxy shares its address.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 100)

# The CRM side panel (/embed/deals/<crm_id>/, content/panel.py) may be framed by these origins and by
# the site itself, e.g. "https://*.lightning.force.com https://app.hubspot.com"; every other page by
# nobody (X-Frame-Options DENY, frame-ancestors 'none').
EMBED_FRAME_ANCESTORS = env_origins("EMBED_FRAME_ANCESTORS")

# Tracked share links: requests per link and minute before its buyer page answers 429 (its page
# images, dozens per document, are counted apart).
SHARE_LINK_RATE_PER_MINUTE = env_int("SHARE_LINK_RATE_PER_MINUTE", 120)
SHARE_LINK_PAGE_IMAGE_RATE_PER_MINUTE = env_int("SHARE_LINK_PAGE_IMAGE_RATE_PER_MINUTE", 600)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 300)
# The client's address: REMOTE_ADDR, unless the reverse proxy in front sets this header (for example
# X-Forwarded-For); then the address TRUSTED_PROXY_COUNT entries from its right end, the one our own
# proxies wrote, so a client cannot choose its address by sending the header itself.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more (the proxies of yours in front).")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "content.sso.PasswordSignInGate",  # refuses passwords when PASSWORD_SIGN_IN is off
    "django.contrib.auth.backends.ModelBackend",
    "content.sso.SsoBackend",  # the OIDC callback only, and only when OIDC_ISSUER is set
    "content.panel.PanelBackend",  # the CRM side panel's session, by its connect token only
]
AXES_HANDLER = "content.throttling.SignInAttempts"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "content.throttling.failure_limit"
AXES_COOLOFF_TIME = "content.throttling.cool_off"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "content.throttling.client_address"
AXES_USERNAME_CALLABLE = "content.throttling.username_of"
AXES_LOCKOUT_CALLABLE = "content.views.auth.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One date and one date-time format on every page ({{ value|date }}, {{ value|date:"DATETIME_FORMAT" }},
# report cells). Localization is on, so Django reads them from the formats module, which takes them
# from here; the settings themselves apply where localization is turned off.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
FORMAT_MODULE_PATH = ["enablement.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Where the sentence encoder keeps the ONNX graph it builds from the installed weights on first use
# (or with `manage.py build_encoder`); each worker reads it, so it must be shared and writable.
EMBEDDING_CACHE_DIR = Path(env_str("EMBEDDING_CACHE_DIR", str(BASE_DIR / ".cache" / "embeddings")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media on S3-compatible storage when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    AWS_QUERYSTRING_AUTH = True

# Cache and sessions: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    REDIS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {"default": REDIS_CACHE, "shared": REDIS_CACHE}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # "shared" holds what every worker must agree on (the report data version, sign-in failure
    # counts): without Redis it is a table in the database, created by `migrate`. Each worker's own
    # holds up to 5,000 entries (Django's default, 300, is less than a few pages of kept asset
    # representations, which would push out the kept searches and reports): a few tens of MB at most.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "enablement_shared_cache"},
    }

# Uploads: the size limit of an asset file, in megabytes.
ASSET_MAX_UPLOAD_MB = env_int("ASSET_MAX_UPLOAD_MB", 25)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "enablement@localhost")

# Domain rules that operators tune.
REQUEST_TRIAGE_SLA_DAYS = env_int("REQUEST_TRIAGE_SLA_DAYS", 2)  # business days
# The same requester filing the same title again within this many hours, the first still open, is
# asked to confirm it is a second request (0 turns the check off).
REQUEST_DUPLICATE_WINDOW_HOURS = env_int("REQUEST_DUPLICATE_WINDOW_HOURS", 24)
EFFECTIVENESS_MIN_SAMPLE = env_int("EFFECTIVENESS_MIN_SAMPLE", 5)  # closed deals
FRESHNESS_TARGET_PERCENT = env_int("FRESHNESS_TARGET_PERCENT", 80)
# Amounts are added per currency, never across currencies. influenced_revenue and business_impact,
# the single figures lists sort by, count the deals in this currency; every currency is shown beside.
REPORTING_CURRENCY = env_str("REPORTING_CURRENCY", "USD").upper()
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 300)  # also invalidated at once by any data change
# A text search's ranking (and an asset's representation, its related assets, a passage's text) is
# kept this long at most: dropped at once when the library changes, or when an asset released at a
# set time becomes visible, so the time only bounds the memory (content/search/snapshots.py).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 600)
CRM_WEBHOOK_SECRET = env_str("CRM_WEBHOOK_SECRET")
# CSV uploads larger than this (bytes) are imported by a background job with a progress page.
# Asset files larger than this (bytes) have their text extracted by a background job.
EXTRACT_IN_BACKGROUND_BYTES = env_int("EXTRACT_IN_BACKGROUND_BYTES", 2_000_000)
# Text extraction runs in a child process with these limits (a hostile file gets a note, not a worker).
EXTRACT_TIMEOUT_SECONDS = env_int("EXTRACT_TIMEOUT_SECONDS", 30)
EXTRACT_MEMORY_MB = env_int("EXTRACT_MEMORY_MB", 1024)
# File previews on the asset and buyer pages: PDF pages are drawn by a child process with the memory
# limit above and this time limit (a page view waits for it), and only the first PREVIEW_MAX_PAGES.
PREVIEW_TIMEOUT_SECONDS = env_int("PREVIEW_TIMEOUT_SECONDS", 10)
PREVIEW_MAX_PAGES = env_int("PREVIEW_MAX_PAGES", 50)
DEAL_IMPORT_BACKGROUND_BYTES = env_int("DEAL_IMPORT_BACKGROUND_BYTES", 1_000_000)

# Slack (content/slack/): notifications by direct message and to channels, and the /library slash
# command. Off without SLACK_BOT_TOKEN; SLACK_SIGNING_SECRET verifies the slash command's requests;
# SLACK_API_URL is the Web API's base URL (a proxy, or a fake Slack in tests).
SLACK_BOT_TOKEN = env_str("SLACK_BOT_TOKEN")
SLACK_SIGNING_SECRET = env_str("SLACK_SIGNING_SECRET")
SLACK_API_URL = env_str("SLACK_API_URL", "https://slack.com/api/")
SLACK_TIMEOUT_SECONDS = env_int("SLACK_TIMEOUT_SECONDS", 10)

# Background work: a database-backed queue; run `python manage.py db_worker` beside the web processes.
# TASKS_BACKEND=immediate runs jobs inline (tests, or a one-process demo).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_str("TASKS_BACKEND") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
JOB_RETRY_BACKOFF_SECONDS = env_int("JOB_RETRY_BACKOFF_SECONDS", 30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "content.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "content.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "content.limits.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON written by orjson, as DRF writes it (content/api/renderers.py); the browsable API as before
    "DEFAULT_RENDERER_CLASSES": [
        "content.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "content.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["content.api.filtering.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": env_str("LOGIN_THROTTLE_RATE", "10/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Enablement content library API",
    "DESCRIPTION": "Assets, taxonomy, deals, usage, content requests, calendar and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "content.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AssetStatusEnum": "content.models.assets.AssetStatus",
        "DealStatusEnum": "content.models.deals.DealStatus",
        "RequestStatusEnum": "content.models.requests.RequestStatus",
        "AssetKindEnum": "content.models.assets.AssetKind",
        "ShareViewKindEnum": "content.models.sharing.ShareViewKind",
    },
}

# Production hardening: on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A load balancer probes the health check over plain HTTP; it must see 200/503, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # one JSON line per request with its duration; REQUEST_LOG_LEVEL=WARNING silences it
        "enablement.requests": {"level": env_str("REQUEST_LOG_LEVEL", "INFO")},
        # the MCP SDK logs every session it opens and closes: one per call at /mcp/ (stateless)
        "mcp": {"level": "WARNING"},
    },
}

# Semantic search: passages of published assets embedded offline (content/semantic/). Off, or with
# the model missing, search is keyword search and assets are saved without vectors.
SEMANTIC_SEARCH = env_bool("SEMANTIC_SEARCH", True)
# Assets with more passages to embed than this are embedded by a background job, not the request.
SEMANTIC_INLINE_PASSAGES = env_int("SEMANTIC_INLINE_PASSAGES", 20)
