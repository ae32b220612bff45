"""Settings, read from the environment (see .env.example and README.md).

Without DATABASE_URL the product uses a SQLite file; without REDIS_URL it uses an in-memory
channel layer, a local-memory cache and runs Celery tasks eagerly, so that a newcomer can run
everything with one command.
"""

from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from infrastructure.env import deployment_slug, envbool, envhost, envint, envlist, envnetworks, envstr, site_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY").strip()
if not SECRET_KEY:
    if not DEBUG:
        # Signed join links, sessions and CSRF tokens all rest on this key: never run in
        # production on a key that everyone can read in the source.
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string); only DEBUG=1 runs without one.")
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# SITE_URL if set, else derived from HOST and PORT (what `make demo` serves on).
SITE_URL = site_url()
# Names this deployment inside a Redis it may share with others (channel layer, cache, Celery),
# so that two deployments never see each other's broadcasts, cached pages or tasks.
DEPLOYMENT_NAME = deployment_slug(envstr("DEPLOYMENT_NAME") or urlparse(SITE_URL).netloc or "default")
# Addresses of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed
# (uvicorn's --forwarded-allow-ips takes the same value); from anyone else they are ignored.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "127.0.0.1,::1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the project's form renderer
    "channels",
    "allauth",
    "allauth.account",
    "csp",
    "sessions_app",
    "groups",
    "results",
    "dialogues",
    # The top floor: the home page and the demo command (manage.py demo_event).
    "wetheinternet",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so that the policy is also on the 503 page and other early answers.
    "csp.middleware.CSPMiddleware",
    "infrastructure.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "infrastructure.cleaning.CleanParametersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "wetheinternet.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "wetheinternet.asgi.application"

# Every product form is rendered by templates/forms/ (the admin keeps its own templates).
FORM_RENDERER = "wetheinternet.form_renderer.FormRenderer"

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

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Kept between requests by the long-lived HTTP threads (infrastructure/concurrency.py).
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery ----------------------------------------------------
REDIS_URL = envstr("REDIS_URL")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer delivered every message in our fan-out measurements.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": envstr("CHANNELS_PREFIX", f"wti-{DEPLOYMENT_NAME}")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_PREFIX", f"wti-{DEPLOYMENT_NAME}"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks that must not be lost: acknowledged after they ran, re-queued when a worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
    # Queueing a task gives up within about a second when Redis is unreachable, so that the
    # request answers clearly instead of hanging (a worker reconnects on its own regardless).
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
    "global_keyprefix": f"wti-{DEPLOYMENT_NAME}:",
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"wti-{DEPLOYMENT_NAME}:"}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_IMPORTS = ["wetheinternet.tasks"]

# --- Accounts -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = envstr("ACCOUNT_EMAIL_VERIFICATION", "none")
ACCOUNT_ADAPTER = "sessions_app.accounts.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# Organisers and staff are invited by an organiser; nobody signs up on their own.
ACCOUNT_ALLOW_SIGNUPS = envbool("ACCOUNT_ALLOW_SIGNUPS", False)
# Failed logins: 10 per address, and 5 per address and account (the key is both, see
# sessions_app/accounts.py), so a guesser elsewhere never locks the account's owner out.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/10m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

# Personal join links for participants and staff.
JOIN_LINK_MAX_AGE_DAYS = envint("JOIN_LINK_MAX_AGE_DAYS", 60)
JOIN_LINK_GRACE_HOURS = envint("JOIN_LINK_GRACE_HOURS", 24)
JOIN_RATE_LIMIT = envstr("JOIN_RATE_LIMIT", "20/300")  # failed attempts / seconds, per client address
OPEN_VOTE_RATE_LIMIT = envstr("OPEN_VOTE_RATE_LIMIT", "60/300")  # open votes / seconds, per client address
# The built-in video call (browser to browser; media never passes through this server). STUN and
# TURN addresses are comma-separated (stun:host:3478, turn:host:3478?transport=udp); with a TURN
# secret (coturn's static-auth-secret) each person gets credentials valid VIDEO_TURN_TTL seconds.
VIDEO_STUN_URLS = envlist("VIDEO_STUN_URLS")
VIDEO_TURN_URLS = envlist("VIDEO_TURN_URLS")
VIDEO_TURN_SECRET = envstr("VIDEO_TURN_SECRET")
VIDEO_TURN_TTL = max(60, envint("VIDEO_TURN_TTL", 6 * 3600))
# "relay" sends every call through TURN (tests of the TURN server); "all" lets browsers connect directly.
VIDEO_ICE_TRANSPORT_POLICY = "relay" if envstr("VIDEO_ICE_TRANSPORT_POLICY") == "relay" else "all"
# Tests with many browsers on one machine: capture 160x90 video instead of the usual sizes.
VIDEO_SMALL = envbool("VIDEO_SMALL", False)
# How often an open public results page fetches its figures again (seconds, at least 2).
PUBLIC_RESULTS_REFRESH_SECONDS = max(2, envint("PUBLIC_RESULTS_REFRESH_SECONDS", 30))

# --- Security -------------------------------------------------------------------------------
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if envbool("BEHIND_PROXY", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline script, style or handler runs on any page;
# scripts and styles come from our static files, server values reach them as data attributes
# or JSON data blocks. 'self' covers the same-origin websockets (ws:// and wss://) too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Only the plenary stream's players: never an arbitrary host (infrastructure/embeds.py).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    }
}

# --- Video in the rooms: a self-hosted Jitsi Meet (README.md, "Video in the rooms") ---------
# Never in the database: an event may choose Jitsi only when all three are set.
JITSI_DOMAIN = envhost("JITSI_DOMAIN")
JITSI_APP_ID = envstr("JITSI_APP_ID")
JITSI_APP_SECRET = envstr("JITSI_APP_SECRET")
# The token's `sub`: the XMPP domain Prosody serves, when it is not the public domain.
JITSI_TOKEN_SUBJECT = envstr("JITSI_TOKEN_SUBJECT") or JITSI_DOMAIN
if JITSI_DOMAIN:
    # Its script and its room frame, and nothing else of it. Without a scheme the source follows
    # the page's (https in production).
    JITSI_SOURCE = f"https://{JITSI_DOMAIN}" if HTTPS else JITSI_DOMAIN
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"].append(JITSI_SOURCE)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"].append(JITSI_SOURCE)
SESSION_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", True)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "noreply@localhost")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
