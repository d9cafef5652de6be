"""Credbridge settings, read from the environment.

Unset, everything falls back to the embedded default (SQLite under var/, the database
cache, Celery tasks run in-process), so `make demo` needs no service. Set DATABASE_URL
and REDIS_URL for PostgreSQL, the Redis cache and broker, and a separate worker.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from .deployment_guard import is_public_deployment
from .env import env_bool, env_int, env_list, env_str
from .logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# 32 url-safe base64 bytes (a Fernet key). The development default must never protect real keys.
KEY_ENCRYPTION_KEY = env_str("KEY_ENCRYPTION_KEY", "ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTMyYiE=")
# Earlier key-encryption keys, still read while `rotate_key_encryption` re-encrypts under the
# current one (comma-separated).
KEY_ENCRYPTION_KEYS_RETIRED = env_list("KEY_ENCRYPTION_KEYS_RETIRED", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
LMS_SANDBOX = env_bool("LMS_SANDBOX", False)
# LTI platforms whose addresses are plain http (a campus or local test Moodle) are refused at
# login and launch unless the operator allows them here; DEBUG and LMS_SANDBOX do not.
LTI_ALLOW_HTTP_PLATFORMS = env_bool("LTI_ALLOW_HTTP_PLATFORMS", False)
# LTI Dynamic Registration (ADR 0004): issuers whose registrations are active at once
# (comma-separated); others wait for an operator's approval, or are refused when open
# registration is off.
LTI_REGISTRATION_ISSUERS = env_list("LTI_REGISTRATION_ISSUERS", [])
LTI_OPEN_REGISTRATION = env_bool("LTI_OPEN_REGISTRATION", True)
# Whether a Dynamic Registration may reach loopback or private addresses (a test Moodle on
# this machine, a campus LMS on a private network): anyone can start one.
LTI_PRIVATE_NETWORK_PLATFORMS = env_bool("LTI_PRIVATE_NETWORK_PLATFORMS", False)
# Registration attempts (page views and submissions) allowed per client address per hour.
LTI_REGISTRATION_ATTEMPTS_PER_HOUR = env_int("LTI_REGISTRATION_ATTEMPTS_PER_HOUR", 30)
HTTPS = PUBLIC_BASE_URL.startswith("https://")
_DEV_KEK = "ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTMyYiE="
PUBLIC_DEPLOYMENT = is_public_deployment(PUBLIC_BASE_URL, ALLOWED_HOSTS)
if (
    PUBLIC_DEPLOYMENT
    and not DEBUG
    and (SECRET_KEY == _DEV_SECRET or KEY_ENCRYPTION_KEY == _DEV_KEK)
):
    # A public deployment with the development secrets would sign and encrypt with known keys,
    # on http as much as on https.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY and KEY_ENCRYPTION_KEY for a public deployment.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "audit",
    "lti_tool",
    "assessments",
    "rubrics",
    "awarding",
    "credentials",
    "qa_console",
    "operations",
    "wallet_issuance",
    "learner_records",
    "oauth2_provider",
    "ob_api",
    "pathways",
    "axes",
]
if LMS_SANDBOX:
    # The demo drives the sandbox LMS: neither is installed in production (ADR 0005).
    INSTALLED_APPS += ["lms_sandbox", "demo"]

MIDDLEWARE = [
    # First: every later middleware's log lines, and every answer, carry the request id.
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lti_tool.middleware.LaunchMiddleware",
    "config.request_id.LaunchLogContextMiddleware",
    "lti_tool.middleware.FrameAncestorsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lti_tool.context_processors.launch",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'credbridge.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (the dev server, in-process tasks, the sandbox LMS) write at once: wait,
    # don't fail. IMMEDIATE transactions take the write lock up front, so two writers never
    # deadlock upgrading read locks (which SQLite reports at once as "database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
_DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "credbridge_cache",
    # Login states live here until the launch: the default 300 entries would cull
    # live logins under load (then launches fail with "unknown state").
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
if REDIS_URL:
    # Redis first; while it is down the database cache answers (config/cache_fallback.py,
    # ADR 0050), so public pages and launches keep working through a Redis outage.
    CACHES = {
        "default": {
            "BACKEND": "config.cache_fallback.FallbackCache",
            "OPTIONS": {
                "PRIMARY": "redis",
                "FALLBACK": "database",
                # How long a process leaves a failed Redis alone before trying it again.
                "RETRY_AFTER_S": env_int("CACHE_RETRY_AFTER_S", 5),
                # Spent single-use codes no login record guards (qa_console/handoff.py): the
                # database records them even while Redis is up, so an outage cannot forget one.
                "SINGLE_USE_PREFIXES": ["qa-handoff-used:"],
            },
        },
        "redis": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A dead or unreachable Redis must cost milliseconds, not a request's lifetime.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
        },
        "database": _DATABASE_CACHE,
    }
else:
    CACHES = {"default": _DATABASE_CACHE}

# Celery: with a broker, a separate worker runs the tasks; without one, they run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "credbridge"
# The worker logs through LOGGING below (JSON, ids, redaction), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A broker outage: the worker keeps trying to reconnect (at start and after a loss) instead of
# exiting; a task being run when the connection drops finishes its database work (tasks are
# idempotent; its message comes back after the visibility timeout and finds nothing to do).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0}
# A web request that queues a task while the broker is down gives up within about a second
# (the caller logs it and goes on; beat's periodic sync and award sweep pick the work up).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
SYNC_INTERVAL_SECONDS = env_int("SYNC_INTERVAL_SECONDS", 300)
# Line items whose results a sync downloads at once (each one page ahead of storing).
SYNC_PARALLEL_LINE_ITEMS = env_int("SYNC_PARALLEL_LINE_ITEMS", 3)
# The most an LMS reporting its rate budget (Canvas) is asked at once; the adapter sets the
# width below it from the budget left (lti_tool.platforms.rate_limit).
SYNC_PARALLEL_MAX = env_int("SYNC_PARALLEL_MAX", 8)
# Periodic syncs of a quiet course (no changes found) come at twice the interval each time,
# up to this; a launch or a sync that finds changes brings back SYNC_INTERVAL_SECONDS.
SYNC_MAX_INTERVAL_SECONDS = env_int("SYNC_MAX_INTERVAL_SECONDS", 3600)
# A running sync silent this long is taken for dead (worker killed) and recorded failed.
SYNC_STALE_AFTER_SECONDS = env_int("SYNC_STALE_AFTER_SECONDS", 900)
CELERY_BEAT_SCHEDULE = {
    # The dispatcher spreads the courses' syncs over the interval itself.
    "assessments-dispatch-periodic-syncs": {
        "task": "assessments.dispatch_periodic_syncs",
        "schedule": float(SYNC_INTERVAL_SECONDS),
    },
    # Finishes awards whose task message was lost (a broker restart, a purged queue).
    "awarding-sweep": {"task": "awarding.tasks.sweep_awards_task", "schedule": 60.0},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"
# Password logins (Django admin, QA console) are throttled by django-axes: after
# LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is locked out for
# LOGIN_LOCKOUT_MINUTES (429). Username *and* address, so a stranger cannot lock a QA person
# out from everywhere; behind a proxy the address is the proxy's, which still throttles.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# LTI roles (full URIs or short names) that the operator maps to the tool's administrator
# role, besides the LMS's own institution/system administrators: they may open the QA console
# from a launch (the handoff) for their platform. Comma-separated.
LTI_QA_ROLES = env_list("LTI_QA_ROLES", [])
# A console session opened by an LMS administrator's handoff lasts this long (seconds).
QA_HANDOFF_SESSION_AGE = env_int("QA_HANDOFF_SESSION_AGE", 8 * 3600)

# `/metrics` (operations.views) answers a scraper presenting this as a bearer token, or a
# signed-in staff user; unset, it is staff-only. At least 32 characters: it guards figures
# about every course.
METRICS_TOKEN = env_str("METRICS_TOKEN").strip()
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters.")

# The languages the pages speak (ADR 0062): English, the source, and complete German and
# Spanish catalogs in the one project-wide `locale/` folder (.po and the compiled .mo are both
# committed, so a fresh machine needs no GNU gettext). Inside the LMS the launch's locale
# chooses (lti_tool.launch_locale); elsewhere the browser's Accept-Language does.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Wallet issuance (OpenID4VCI, ADR 0060): offers live minutes and are redeemed once; a
# transaction code (shown beside the QR code) can be required on top.
WALLET_OFFER_TTL_SECONDS = env_int("WALLET_OFFER_TTL_SECONDS", 600)
WALLET_OFFER_TX_CODE = env_bool("WALLET_OFFER_TX_CODE", False)
WALLET_ACCESS_TOKEN_TTL_SECONDS = 300
WALLET_NONCE_TTL_SECONDS = 300

# The Open Badges 3.0 API, Provider role (ob_api, ADR 0061), on django-oauth-toolkit: the
# authorization code grant with PKCE (S256, enforced in ob_api.views.consent), the two read
# scopes only, the consent page always shown, redirect URIs over https only.
OB_API_CONSENT_COOKIE_SECONDS = env_int("OB_API_CONSENT_COOKIE_SECONDS", 15 * 60)
OB_API_REGISTRATIONS_PER_HOUR = env_int("OB_API_REGISTRATIONS_PER_HOUR", 20)
OB_API_PRIVACY_POLICY_URL = env_str("OB_API_PRIVACY_POLICY_URL", "")
OB_API_TERMS_OF_SERVICE_URL = env_str("OB_API_TERMS_OF_SERVICE_URL", "")
# ob_api's models point at the library's Application, which is swappable by this setting.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly": (
            "Read your Open Badges credentials"
        ),
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly": (
            "Read your profile (name and email)"
        ),
    },
    "DEFAULT_SCOPES": ["https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"],
    "SCOPES_BACKEND_CLASS": "ob_api.scopes.RegisteredScopes",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OB_API_ACCESS_TOKEN_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OB_API_REFRESH_TOKEN_SECONDS", 180 * 24 * 3600),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    # RFC 9700 (OAuth 2.0 Security BCP), every gate the library has: no implicit or password
    # grant, no PKCE "plain", tokens only in the Authorization header, `iss` in the
    # authorization response, tokens stored hashed, a replayed refresh token revokes its family.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

# The institution's time zone: pages show dates in it until the browser rewrites them in the
# viewer's own (qa_console's local_time.js); stored times stay UTC (USE_TZ).
TIME_ZONE = env_str("TIME_ZONE", "UTC").strip() or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `collectstatic` (the release step) writes hashed, compressed copies that WhiteNoise
    # serves with DEBUG=0 and caches for a year; templates name the hashed file, so a deploy
    # never leaves a browser on an old stylesheet. Without collectstatic a DEBUG=0 page fails.
    # WhiteNoise's storage, with each file's URL worked out once per process.
    "staticfiles": {"BACKEND": "config.static_storage.StaticFilesStorage"},
    # Evidence files of award proposals (ADR 0067): outside MEDIA_ROOT, served only through
    # awarding.views.proposal_evidence to the people allowed to see them.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "evidence")},
    },
}
# An evidence file of a proposal: at most this many bytes (PDF, PNG or JPEG only).
EVIDENCE_FILE_MAX_BYTES = env_int("EVIDENCE_FILE_MAX_BYTES", 5 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "credbridge@localhost")

# Every call to another server (LMS services, tokens, key sets, registration): a total
# wall-clock deadline and a body size cap, whatever the other side does (lti_tool.outbound).
OUTBOUND_DEADLINE_SECONDS = env_int("OUTBOUND_DEADLINE_SECONDS", 30)
OUTBOUND_MAX_BYTES = env_int("OUTBOUND_MAX_BYTES", 16 * 1024 * 1024)

# Outside organisations that endorse credentials register by did:web (ADR 0066): their DID
# document is read once, through the same bounded client. ENDORSER_DID_HOSTS, when set, is the
# only hosts whose DIDs may be registered; a DID on a loopback host (read over plain http) only
# with ENDORSER_LOOPBACK_DIDS (tests and the demo).
ENDORSER_DID_HOSTS = env_list("ENDORSER_DID_HOSTS", [])
ENDORSER_LOOPBACK_DIDS = env_bool("ENDORSER_LOOPBACK_DIDS", LMS_SANDBOX)

DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000  # id_tokens and forms are small; refuse floods early
SESSION_COOKIE_SAMESITE = "None" if HTTPS else "Lax"
CSRF_COOKIE_SAMESITE = "None" if HTTPS else "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL]
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# The LMS frames the tool, so X-Frame-Options cannot be used; CSP frame-ancestors, listing the
# registered platforms only, does that job (lti_tool.middleware.FrameAncestorsMiddleware).
SILENCED_SYSTEM_CHECKS = ["security.W002"]
SECURE_REFERRER_POLICY = "same-origin"
# Every page gets a strict CSP (lti_tool.content_security: script-src 'self' plus a per-response
# nonce, object-src 'none', base-uri 'none', frame-ancestors of registered platforms), except
# the apps listed here, which keep frame-ancestors only: the sandbox LMS plays another site.
CSP_FRAME_ANCESTORS_ONLY_APPS = ["lms_sandbox"]

# One JSON object a line (production) or one readable line (development): config.logging_config.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
