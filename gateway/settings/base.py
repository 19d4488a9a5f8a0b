"""Settings shared by every environment, read from the environment.

Overrides live in ``local`` (zero-setup run), ``test`` and ``production``.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")

# Plugins are served at <slug>.<GATEWAY_DOMAIN>; the leading dot allows every subdomain.
GATEWAY_DOMAIN = os.environ.get("GATEWAY_DOMAIN", "localhost").strip().lower()
ALLOWED_HOSTS = [
    GATEWAY_DOMAIN,
    f".{GATEWAY_DOMAIN}",
    "localhost",
    "127.0.0.1",
    "[::1]",
    *env_list("DJANGO_ALLOWED_HOSTS"),
]

# Behind a reverse proxy, trust its X-Forwarded-Proto / X-Forwarded-Host only when told to.
GATEWAY_TRUST_PROXY = env_bool("GATEWAY_TRUST_PROXY", False)
USE_X_FORWARDED_HOST = GATEWAY_TRUST_PROXY
if GATEWAY_TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "gateway",
    "gateway.usage",
    # Plugins: one line each. The gateway finds them here and nowhere else.
    "plugins.todo",
    "plugins.sportstats",
    "plugins.weather",
]

MIDDLEWARE = [
    # First, so its latency covers every other middleware and every answer gets an X-Request-ID: opens
    # the call record the log, the metrics and the usage recorder read (gateway.calls).
    "gateway.calls.CallMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Picks the plugin (request.plugin, request.urlconf) before CORS asks whether it applies.
    "gateway.hosting.PluginHostMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions, CSRF, auth and every view read cookies, bodies or the database (NUL, depth,
    # size); after the plugin is known, whose clients' error shape it answers in; inside CORS, so a
    # browser-based platform can read the refusal.
    "gateway.guard.HostileInputGuard",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gateway.urls"
WSGI_APPLICATION = "gateway.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # No `SELECT 1` before each request on a reused connection (4 % of a GET, bench/RESULTS.md): after
        # a database restart the first request of each worker answers 503 "retry shortly" (gateway.errors)
        # and Django drops the broken connection; the next one reconnects. DJANGO_CONN_HEALTH_CHECKS=1 to check.
        conn_health_checks=env_bool("DJANGO_CONN_HEALTH_CHECKS", False),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_key_prefix(database: dict) -> str:
    """Return GATEWAY_CACHE_PREFIX, else one derived from the database this deployment serves.

    Every key the gateway writes starts with it, so two deployments sharing one Redis database
    (staging beside production) never read each other's plugin rows, tokens or counters, while
    every server of one deployment (same database) shares its entries and evictions.
    """
    explicit = os.environ.get("GATEWAY_CACHE_PREFIX", "").strip()
    if explicit:
        return explicit
    identity = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return "gw-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


CACHES = {
    "default": (
        {
            # django-redis, not Django's own backend: that one builds a new redis-py client (~170
            # response callbacks) for every cache call, a third of a cached request's cache cost.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": cache_key_prefix(DATABASES["default"]),
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Hot rows cached in the shared cache only: an eviction there reaches every worker at once; with
# the per-process memory cache it would reach one, so the defaults are 0 (read the database).
GATEWAY_SHARED_CACHE = bool(os.environ.get("REDIS_URL"))
# Usage analytics (gateway.usage): one row per plugin API call, kept this many days by usage_prune.
GATEWAY_USAGE_ENABLED = env_bool("GATEWAY_USAGE_ENABLED", True)
GATEWAY_USAGE_RETENTION_DAYS = int(os.environ.get("GATEWAY_USAGE_RETENTION_DAYS", "30"))
# With Redis, rows are buffered there and written in bulk: a drain every this many rows, or on the
# first call after this many seconds without one (gateway.usage.buffer).
# At least 1 each: a batch of 0 would drain on every call, and Redis refuses an expiry of 0 seconds.
GATEWAY_USAGE_BATCH = max(1, int(os.environ.get("GATEWAY_USAGE_BATCH", "500")))
GATEWAY_USAGE_DRAIN_SECONDS = max(1, int(os.environ.get("GATEWAY_USAGE_DRAIN_SECONDS", "2")))
GATEWAY_PLUGIN_CACHE_SECONDS = int(
    os.environ.get("GATEWAY_PLUGIN_CACHE_SECONDS") or (300 if GATEWAY_SHARED_CACHE else 0)
)
GATEWAY_TOKEN_CACHE_SECONDS = int(os.environ.get("GATEWAY_TOKEN_CACHE_SECONDS") or (60 if GATEWAY_SHARED_CACHE else 0))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["gateway.auth.PluginAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["gateway.auth.PluginAccess"],
    # Per-plugin limits set in admin (gateway.throttling); MCP tool calls go through the same views.
    "DEFAULT_THROTTLE_CLASSES": ["gateway.throttling.PluginRateThrottle"],
    # DRF's get_ident (gateway.throttling.client_address): behind the proxy, the address it appended.
    "NUM_PROXIES": 1 if GATEWAY_TRUST_PROXY else 0,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "gateway.schema.GatewayAutoSchema",
    "EXCEPTION_HANDLER": "gateway.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The gateway writes the security block itself from the plugin's auth mode.
    "AUTHENTICATION_WHITELIST": [],
    "ENUM_NAME_OVERRIDES": {},
}

# The AI platforms' web origins; more from the environment.
CORS_ALLOWED_ORIGINS = [
    "https://chat.openai.com",
    "https://chatgpt.com",
    *env_list("GATEWAY_CORS_ORIGINS"),
]
# No URL is enabled by path: gateway.signals enables plugin URLs (both modes) for the origins above.
CORS_URLS_REGEX = r"^$"
# What a browser-based MCP client sends besides the defaults: the protocol version (2025-06-18 on),
# the session and resumption headers (2025-11-25), and the method and name headers (2026-07-28).
CORS_ALLOW_HEADERS = (
    *default_cors_headers,
    "mcp-protocol-version",
    "mcp-session-id",
    "last-event-id",
    "mcp-method",
    "mcp-name",
)
# What browser code may read from an answer: the 401's challenge (where the OAuth metadata is) and the session.
CORS_EXPOSE_HEADERS = ["WWW-Authenticate", "Mcp-Session-Id"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "gateway.ops.logformat.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # httpx logs every upstream URL at INFO, and some upstreams take their key in the query string.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # One JSON line per request (gateway.ops.requestlog); WARNING turns it off.
        "gateway.request": {
            "handlers": ["json"],
            "level": os.environ.get("GATEWAY_REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

# Prometheus metrics at /metrics on the gateway host (gateway.ops.metrics, docs/deployment.md):
# served to a scraper with this bearer token or from these addresses/networks (CIDR, comma-separated);
# with neither set nothing is counted and /metrics is a 404.
GATEWAY_METRICS_TOKEN = os.environ.get("GATEWAY_METRICS_TOKEN", "")
GATEWAY_METRICS_ALLOW_IPS = env_list("GATEWAY_METRICS_ALLOW_IPS")

# Where the admin lives on the gateway host ("admin/" unless DJANGO_ADMIN_PATH says otherwise).
GATEWAY_ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"
# The largest plugin API answer passed on (characters); the AI platforms refuse longer ones.
GATEWAY_MAX_RESPONSE_CHARS = int(os.environ.get("GATEWAY_MAX_RESPONSE_CHARS", "100000"))
# The largest request body accepted (bytes): a longer one is a 413 before anything reads it
# (gateway.guard). Django's own limit on reading a body is kept the same.
GATEWAY_MAX_REQUEST_BYTES = int(os.environ.get("GATEWAY_MAX_REQUEST_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = GATEWAY_MAX_REQUEST_BYTES
# How deeply a JSON body may nest objects and arrays; deeper is a 400 before a parser recurses.
GATEWAY_MAX_JSON_DEPTH = int(os.environ.get("GATEWAY_MAX_JSON_DEPTH", "64"))

# Manifest defaults an operator can override per plugin in admin.
GATEWAY_CONTACT_EMAIL = os.environ.get("GATEWAY_CONTACT_EMAIL", "")
# How long a generated OpenAPI document stays cached (it is keyed by the plugin's last change too).
GATEWAY_SCHEMA_CACHE_SECONDS = int(os.environ.get("GATEWAY_SCHEMA_CACHE_SECONDS", "3600"))
# Where operators reach the gateway; used only where there is no request (management commands).
GATEWAY_PUBLIC_URL = os.environ.get("GATEWAY_PUBLIC_URL", "http://localhost:8000").rstrip("/")

# User passwords use Django's default (first); client secrets use the fast hasher named by
# OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"], which must be listed to be found (gateway.oauth.hashers).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "gateway.oauth.hashers.ClientSecretHasher",
]


def pkce_required(client_id: str) -> bool:
    """Answer DOT's PKCE_REQUIRED per client (a callable, as DOT takes no import string for it)."""
    from gateway.oauth.validators import client_requires_pkce

    return client_requires_pkce(client_id)


# django-oauth-toolkit is the authorization server; every plugin has its own clients (gateway.OAuthClient).
# Every RFC 9700 gate is on, so `check --deploy` turns a non-compliant change here into an error.
OAUTH2_PROVIDER_APPLICATION_MODEL = "gateway.OAuthClient"
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "gateway.oauth.validators.GatewayOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "gateway.oauth.validators.GatewayOAuthLibCore",
    "SCOPES_BACKEND_CLASS": "gateway.oauth.scopes.PluginScopes",
    "APPLICATION_ADMIN_CLASS": "gateway.admin.OAuthClientAdmin",
    "CLIENT_SECRET_HASHER": "gateway_sha256",
    # PKCE (S256) from every client but the operator's explicit exceptions (OAuthClient.pkce_exempt:
    # the platform's confidential plugin and GPT-Action clients send none).
    "PKCE_REQUIRED": pkce_required,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("GATEWAY_ACCESS_TOKEN_SECONDS", "3600")),
    "REFRESH_TOKEN_EXPIRE_SECONDS": int(os.environ.get("GATEWAY_REFRESH_TOKEN_SECONDS", str(90 * 24 * 3600))),
    "ROTATE_REFRESH_TOKEN": True,
    # A replayed (rotated-out) refresh token revokes its whole family, access tokens included.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Only https redirect URIs; OAuthClient.get_allowed_schemes adds http for loopback callbacks.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    # The consent page every time: gateway.oauth.views also ignores a client's approval_prompt=auto.
    "REQUEST_APPROVAL_PROMPT": "force",
    # PKCE S256 only (plain refused), as the per-plugin metadata advertises.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    # RFC 9700: no implicit or password grants (the gateway offers neither), and access tokens only
    # in the Authorization header, never in a URL where logs and Referer headers would keep them.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    # RFC 9207 `iss` on every authorization response; gateway.oauth.views sets each plugin's own.
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    # Access and refresh tokens stored as SHA-256 only (migration gateway 0006 blanked older rows).
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # A token bound (RFC 8707) to <plugin base>/mcp is good for that plugin's API too, and nowhere else.
    "RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR": "gateway.oauth.resources.audience_allows",
}
# Client ID metadata documents (gateway.oauth.cimd) fetched per client address and hour.
GATEWAY_CIMD_FETCHES_PER_HOUR = int(os.environ.get("GATEWAY_CIMD_FETCHES_PER_HOUR", "60"))
# Tests only, never from the environment: let the metadata-document fetcher reach 127.0.0.1 / ::1.
GATEWAY_CIMD_ALLOW_LOOPBACK = False
# Anonymous dynamic client registrations (MCP clients) allowed per address, plugin and hour.
GATEWAY_DCR_PER_HOUR = int(os.environ.get("GATEWAY_DCR_PER_HOUR", "20"))
# Abuse limits, counted in the shared cache per client address (behind the trusted proxy: the
# address it saw), in fixed windows; docs/security.md gives the reasoning behind each default.
# Successful registrations per plugin and hour from all addresses together.
GATEWAY_DCR_PLUGIN_PER_HOUR = int(os.environ.get("GATEWAY_DCR_PLUGIN_PER_HOUR", "500"))
# Requests to /oauth/token and /oauth/revoke per address and minute, all plugins together: the
# platform calls from a few addresses for all its users (a code exchange each, a refresh each hour).
GATEWAY_OAUTH_PER_MINUTE = int(os.environ.get("GATEWAY_OAUTH_PER_MINUTE", "600"))
# Failed client authentications (wrong secret, unknown client) per client_id and address in a window.
GATEWAY_OAUTH_FAILURES_PER_CLIENT = int(os.environ.get("GATEWAY_OAUTH_FAILURES_PER_CLIENT", "10"))
GATEWAY_OAUTH_FAILURES_WINDOW_SECONDS = int(os.environ.get("GATEWAY_OAUTH_FAILURES_WINDOW_SECONDS", "900"))
# Failed sign-ins (plugin sign-in pages and the admin) per account and per address in a window;
# past either, sign-in is refused until the window ends, even with the right password.
GATEWAY_SIGNIN_FAILURES_PER_ACCOUNT = int(os.environ.get("GATEWAY_SIGNIN_FAILURES_PER_ACCOUNT", "5"))
GATEWAY_SIGNIN_FAILURES_PER_ADDRESS = int(os.environ.get("GATEWAY_SIGNIN_FAILURES_PER_ADDRESS", "20"))
GATEWAY_SIGNIN_WINDOW_SECONDS = int(os.environ.get("GATEWAY_SIGNIN_WINDOW_SECONDS", "900"))
