"""Attune settings: one file, read from environment variables through config/env.py.

Local mode (`DJANGO_DEBUG=True`, what `make run` uses) generates its secret key and master key
once into `var/`. Anywhere else a missing or malformed value stops start-up with a one-line message: see
`fail()` in config/env.py and the environment table in README.md.
"""

import base64
import os
import secrets
from email.utils import parseaddr

import dj_database_url
import urllib3  # noqa: F401 - imported before LOGGING is applied: see the "urllib3" logger there
from django.utils.csp import CSP

from config.env import (
    BASE_DIR,
    VAR_DIR,
    env_bool,
    env_int,
    env_list,
    env_str,
    fail,
    local_secret,
    new_vapid_private_key,
    parse_master_keys,
    parse_vapid_keys,
)

# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        fail("DJANGO_SECRET_KEY is not set (it is required unless DJANGO_DEBUG=True).")
    SECRET_KEY = local_secret("secret_key", lambda: secrets.token_urlsafe(50))

_master_raw = env_str("ATTUNE_MASTER_KEYS")
if not _master_raw:
    if not DEBUG:
        fail("ATTUNE_MASTER_KEYS is not set (it is required unless DJANGO_DEBUG=True).")
    _master_raw = local_secret("master_key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
# First key encrypts; the others only decrypt until `manage.py rotate_keys` has re-wrapped.
ATTUNE_MASTER_KEYS = parse_master_keys(_master_raw)
if not ATTUNE_MASTER_KEYS:
    fail("ATTUNE_MASTER_KEYS holds no key.")
# The operator's promise, quoted to people on the privacy and delete pages: the longest time from deleting an
# account until the last master key that could open a backup of it is destroyed (README, "Deletion and backups").
ATTUNE_KEY_RETIREMENT_DAYS = env_int("ATTUNE_KEY_RETIREMENT_DAYS", 62)
# A background import's worker renews its hold on the job at every commit (a few seconds apart); a job not
# renewed for this long belonged to a worker that stopped, and is taken up again.
ATTUNE_IMPORT_LEASE_SECONDS = env_int("ATTUNE_IMPORT_LEASE_SECONDS", 60)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    fail("DJANGO_ALLOWED_HOSTS is not set (a comma-separated list of host names).")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS-only cookies, redirects and HSTS. On by default outside DEBUG; the test suite and a
# plain-http local server turn it off.
HTTPS = env_bool("ATTUNE_HTTPS", not DEBUG)

INSTALLED_APPS = [
    "needs.admin_site.StaffAdminConfig",  # Django's admin, entered through allauth with a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "needs",
    "journal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LoginRequiredKeepingTextMiddleware",
    "config.middleware.PrivatePagesNeverCachedMiddleware",
    "config.middleware.JournalLockedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.invitation",
                "config.context_processors.navigation",
                "config.context_processors.offline_person",
            ],
        },
    },
]

# --- Database and cache ----------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'attune.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: with many people's rows the planner's estimates pass PostgreSQL's JIT threshold, and compiling took
    # over a second for the insights queries that run in 20-30 ms.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # A file, not memory, so other processes (the two-worker rate-limit test) see the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Background work (imports) through Django's tasks framework, queued in the database; `manage.py worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker process, so rate limits (allauth's and the needs cards') hold across them.
_redis_url = env_str("REDIS_URL")
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "attune_cache"}
    }

# --- Accounts --------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "config.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 1024}},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "needs.forms.accounts.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ATTUNE_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    fail("ATTUNE_EMAIL_VERIFICATION must be mandatory, optional or none.")
# allauth verifies by code only when verification is mandatory; optional (local) mode sends a link.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = ACCOUNT_EMAIL_VERIFICATION == "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Attune: "
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Errors in Attune's words; a person is named by their email address, never the internal username.
ACCOUNT_ADAPTER = "config.accounts.AccountAdapter"
MFA_ADAPTER = "config.accounts.MFAAdapter"
ACCOUNT_USER_DISPLAY = "config.accounts.user_display"
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ATTUNE_TRUSTED_PROXY_COUNT", 0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Attune"
# Browsers allow WebAuthn on http://localhost only; allauth must be told so in local mode.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
# Activity tracking would cost three queries on every page; sessions are still listed and can be ended.
USERSESSIONS_TRACK_ACTIVITY = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email -----------------------------------------------------------------------------------

# The public address of the site, for links in emails (reminders, unsubscribe).
ATTUNE_SITE_URL = env_str(
    "ATTUNE_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "https://" + (ALLOWED_HOSTS or ["localhost"])[0]
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Attune <no-reply@attune.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DEBUG and not env_str("EMAIL_HOST"):
    # Local mode: emails (verification codes included) are printed where `make run` runs.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # Production: an SMTP relay from the environment, or the host's own mail server on port 25.
    _email_host = env_str("EMAIL_HOST", "localhost")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 25 if _email_host == "localhost" else 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", _email_host != "localhost"),
                "timeout": 10,
            },
        }
    }

# --- Push notifications (Web Push with VAPID) -------------------------------------------------

# Optional: without a key pair, reminders go by email only and the settings page says so. Local mode makes a
# key once into var/ so notifications can be tried on http://localhost.
_vapid_private = env_str("ATTUNE_VAPID_PRIVATE_KEY")
_vapid_public = env_str("ATTUNE_VAPID_PUBLIC_KEY")
if DEBUG and not _vapid_private and not _vapid_public:
    _vapid_private = local_secret("vapid_private_key", new_vapid_private_key)
ATTUNE_VAPID_PRIVATE_KEY, ATTUNE_VAPID_PUBLIC_KEY = parse_vapid_keys(_vapid_private, _vapid_public)
# Push services contact the operator here if our notifications misbehave.
ATTUNE_VAPID_SUBJECT = env_str("ATTUNE_VAPID_SUBJECT") or "mailto:" + parseaddr(DEFAULT_FROM_EMAIL)[1]
if not ATTUNE_VAPID_SUBJECT.startswith(("mailto:", "https://")):
    fail("ATTUNE_VAPID_SUBJECT must be a mailto: address or an https:// page for the operator.")

# --- Security --------------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.pages.csrf_failure"
SESSION_COOKIE_AGE = env_int("ATTUNE_SESSION_AGE", 60 * 60 * 24 * 14)
# Messages can name a need; they wait in the session on the server, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("ATTUNE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ATTUNE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ATTUNE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # the operator chose not to be preloaded
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    # Behind a TLS proxy that sets X-Forwarded-Proto (see README, production).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ADMIN_PATH = env_str("ATTUNE_ADMIN_PATH", "admin").strip("/")
if not ADMIN_PATH:
    fail("ATTUNE_ADMIN_PATH must not be empty.")

# --- Internationalisation and time -----------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# --- Logging: requests and errors only; never request bodies or user text. ---------------------
# One handler, and every record passes `RedactFilter` on it: no query string (search words), no card token or
# account key in a path, and one line instead of a traceback when the database is unreachable (config/logs.py).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logs.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("ATTUNE_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own defaults are replaced: their handlers would skip the filter, and `mail_admins` would
        # email the request, POST data included. `django.server` is runserver's request line (`make run`).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # At DEBUG level urllib3 logs each request's full address; a push endpoint is a device's private address.
        # (urllib3 is imported above, so that this replaces the handler it adds to its logger on import.)
        "urllib3": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
ADMINS = []
