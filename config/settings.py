"""CareDesk settings, read from the environment.

With no environment at all this gives the embedded setup that `make run`
uses: SQLite under var/, Celery on kombu's filesystem transport under var/,
email written to files under var/mail. Setting DATABASE_URL,
CELERY_BROKER_URL and EMAIL_HOST switches to the production shape. Every
variable is listed in the README.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from email.headerregistry import Address
from pathlib import Path

import dj_database_url
import phonenumbers
from django.core.exceptions import ImproperlyConfigured

from common.money import is_currency_code
from config.env import env_addresses, env_bool, env_email, env_int, env_line, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CAREDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

# A fixed, clearly unsafe key is acceptable only while DEBUG is on (local use). With DEBUG
# off, config/production.py refuses to serve without a real key and host names.
_DEV_SECRET_KEY = "django-insecure-caredesk-local-development-only"  # noqa: S105 - refused unless DEBUG
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    # django.contrib.admin with a site for administrators (config/admin.py).
    "config.apps.CareDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "config.apps.ProjectConfig",
    "django_htmx",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Two-step sign-in: django-otp with its time-based codes (authenticator apps) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    # Below customers, recovery and training, which read it (the empowerment limit, the policy module).
    "policy",
    "customers",
    "recovery",
    "training",
    # Complaints customers file themselves: the public form, email intake, the inbox, the status page.
    "intake",
    # /healthz and beat's heartbeat.
    "health",
    # The REST API (/api/v1/) over the same services and selectors as the screens, and its OpenAPI schema.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # Signed HTTP callbacks to other systems when something happens to a complaint.
    "webhooks",
]

MIDDLEWARE = [
    # First: every request gets an id (on its log lines, its tasks, the 500 page) and one access line.
    "common.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed the second step (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user unless it says @login_not_required.
    "accounts.middleware.LoginRequiredMiddleware",
    # Then the second step: a session waiting for its code (or, where required, for a device) reaches
    # only that page and sign-out; and the idle expiry, renewed at most every few minutes.
    "accounts.middleware.SignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]
if env_bool("QUERY_COUNT_HEADERS", False):
    # Opt-in (make bench): X-Query-Count and Server-Timing on every response. First, so it times the rest.
    MIDDLEWARE.insert(0, "common.middleware.QueryCountMiddleware")

ROOT_URLCONF = "config.urls"

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
                "common.navigation.navigation",
                # The banner asking for the current policy to be acknowledged: one query, on pages that show it.
                "policy.context_processors.policy_banner",
            ],
            # {{ amount|money }}, {{ user|person }} and {{ text|markdown }} in every template, emails included,
            # without a {% load %}.
            "builtins": [
                "common.templatetags.money",
                "common.templatetags.people",
                "common.templatetags.markdown_text",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -----------------------------------------------------------------
_DATABASE_URL = env_str("DATABASE_URL", "")
if _DATABASE_URL:
    try:
        _database = dj_database_url.parse(
            _DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "caredesk.sqlite3"),
        "OPTIONS": {
            # The web server, the worker and beat share one file: WAL lets readers
            # and a writer proceed together, IMMEDIATE avoids lock-upgrade deadlocks.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires, so a locked-out user is refused before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "recovery:my_queue"
LOGOUT_REDIRECT_URL = "login"
# A session ends after this many minutes without a request (accounts/middleware.py renews it while in use).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 8 * 60, minimum=5)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
if "SESSION_COOKIE_AGE" in os.environ:
    # Refused rather than ignored: it was how long a sign-in lasted from sign-in, now the idle time decides.
    raise ImproperlyConfigured(
        "SESSION_COOKIE_AGE is no longer read: set SESSION_IDLE_MINUTES (a sign-in ends after that many "
        "minutes without a request) instead."
    )
# Two-step sign-in (accounts/two_step.py): required of managers and administrators when on, which it is
# by default in production; the demo (DEBUG on) leaves it optional for everyone.
REQUIRE_2FA_FOR_MANAGERS = env_bool("REQUIRE_2FA_FOR_MANAGERS", not DEBUG)
# The admin lists people's devices (to delete one for someone who lost phone and codes) but never shows
# their secrets or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sign-in lockout: a username from one address is locked after this many failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A right password is only half a sign-in for someone with two-step sign-in: the failures (wrong codes
# included) are cleared when the sign-in is complete, by accounts.two_step, not by axes on the password.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind proxies the client address is read from X-Forwarded-For (see common/client_ip.py);
# otherwise every sign-in would seem to come from the proxy and one attacker could lock out all.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_ip"

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
if DEBUG:
    # Local use serves straight from the app folders; whitenoise wants the root to exist.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Forms ------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email --------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Every email comes from the organisation, by name and address, and is signed with its name.
ORGANISATION_NAME = env_line("ORGANISATION_NAME", "CareDesk")
# The name authenticator apps show next to the account (two-step sign-in).
OTP_TOTP_ISSUER = ORGANISATION_NAME
EMAIL_FROM_ADDRESS = env_email("EMAIL_FROM_ADDRESS", "caredesk@localhost")
if "DEFAULT_FROM_EMAIL" in os.environ:
    # Refused rather than ignored, so a deployment that set it does not quietly change its sender.
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL is no longer read: set ORGANISATION_NAME (the name people see) and "
        "EMAIL_FROM_ADDRESS (the address) instead."
    )
DEFAULT_FROM_EMAIL = str(Address(display_name=ORGANISATION_NAME, addr_spec=EMAIL_FROM_ADDRESS))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # Embedded default: messages are files under var/, no broker server needed.
    _broker_dir = VAR_DIR / "celery" / "broker"
    for _folder in ("broker", "processed", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task may take, so Redis never re-delivers a running task.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Where beat remembers when each periodic task last ran; beat creates the folder (config.celery.BeatScheduler).
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME") or str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULER = "config.celery:BeatScheduler"
CELERY_BEAT_SCHEDULE = {
    # The database holds every reminder; this scan claims the due ones (see recovery/reminders.py).
    "dispatch-due-reminders": {
        "task": "recovery.tasks.dispatch_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # One digest per manager per day, sent from DIGEST_HOUR (see recovery/digest.py).
    "send-manager-digests": {
        "task": "recovery.tasks.dispatch_manager_digests",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Training whose pass ran out comes back; required modules reach anyone still without them.
    "renew-training": {
        "task": "training.tasks.renew_training",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # Due-soon and overdue training reminders, claimed like complaint reminders (see training/reminders.py).
    "dispatch-training-reminders": {
        "task": "training.tasks.dispatch_training_reminders",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # The email telling a handler their complaint was reviewed (see training/coaching/sending.py).
    "dispatch-coaching-notices": {
        "task": "training.tasks.dispatch_coaching_notices",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
# Beat's heartbeat, which /healthz reads: proves beat dispatches and a worker runs (health/checks.py).
CELERY_BEAT_SCHEDULE["beat-heartbeat"] = {
    "task": "health.tasks.beat_heartbeat",
    "schedule": 60.0,
    "options": {"expires": 55},
}
CELERY_TIMEZONE = TIME_ZONE

# --- Reminders ---------------------------------------------------------------------------
# A claimed reminder is the worker's for this long; then the next scan may claim it again.
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 300, minimum=30)
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 500, minimum=1)
REMINDER_MAX_BATCHES_PER_RUN = env_int("REMINDER_MAX_BATCHES_PER_RUN", 20, minimum=1)
# "Due soon" goes out a quarter of the step's window before it is due, at most this early.
REMINDER_DUE_SOON_MAX_MINUTES = env_int("REMINDER_DUE_SOON_MAX_MINUTES", 120, minimum=1)
# SMTP/network errors: exponential backoff with jitter, capped far below the visibility timeout.
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 30, minimum=1)
REMINDER_RETRY_MAX_SECONDS = env_int("REMINDER_RETRY_MAX_SECONDS", 300, minimum=1)
REMINDER_MAX_RETRIES = env_int("REMINDER_MAX_RETRIES", 6, minimum=0)
# Claims plus retries after which a reminder whose lease keeps running out is failed, not re-claimed.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 20, minimum=2)
# The address people open CareDesk at; links in emails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Managers' daily digest ----------------------------------------------------------------
# The local hour (TIME_ZONE) from which each day's digest goes out; claims and retries as for reminders.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7, minimum=0)
if DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"DIGEST_HOUR must be at most 23; got {DIGEST_HOUR}.")

# --- Phone numbers ------------------------------------------------------------------------
# The country (ISO 3166 code) whose national format a phone number without a country code is read in,
# so that "07700 900348" and "+44 7700 900348" are one number to the customer search and duplicate check.
PHONE_REGION = env_str("PHONE_REGION", "GB").strip().upper()
if PHONE_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"PHONE_REGION must be a two-letter country code such as GB or DE; got {PHONE_REGION!r}."
    )

# --- Customer survey ---------------------------------------------------------------------
# The signed link in the follow-up survey email works this many days, and once.
SURVEY_LINK_DAYS = env_int("SURVEY_LINK_DAYS", 14, minimum=1)
# Requests per client address to the public survey pages (django-ratelimit's "N/period" syntax).
SURVEY_RATE_LIMIT = env_str("SURVEY_RATE_LIMIT", "30/m")

# --- Complaints customers file themselves (intake/) -------------------------------------------
# The public form (/complain/), complaints by email, the inbox and the customer's status page.
# The front line is warned when a complaint has waited this long in the inbox with nobody taking it.
INBOX_ALERT_MINUTES = env_int("INBOX_ALERT_MINUTES", 60, minimum=1)
# Where that warning goes: one address (a shared mailbox), or empty for every front-line colleague.
INBOX_ALERT_EMAIL = env_str("INBOX_ALERT_EMAIL", "").strip()
# Submissions of the public form per client address (django-ratelimit's "N/period"); over it, refused politely.
PUBLIC_FORM_RATE_LIMIT = env_str("PUBLIC_FORM_RATE_LIMIT", "5/h").strip()
# A form sent back sooner than this after it was shown was filled in by a program, not a person.
PUBLIC_FORM_MIN_SECONDS = env_int("PUBLIC_FORM_MIN_SECONDS", 3, minimum=0)
# The customer's status link (in the acknowledgement and after the form) works this many days.
STATUS_LINK_DAYS = env_int("STATUS_LINK_DAYS", 180, minimum=1)
# Requests per client address to the status pages.
STATUS_RATE_LIMIT = env_str("STATUS_RATE_LIMIT", "30/m").strip()
for _name in ("PUBLIC_FORM_RATE_LIMIT", "STATUS_RATE_LIMIT"):
    if not re.fullmatch(r"\d+/\d*[smhd]", globals()[_name]):
        raise ImproperlyConfigured(f"{_name} must look like 5/h (a number per s, m, h or d); got {globals()[_name]!r}.")
# Email intake: a mailbox polled over IMAP (TLS). Off while no mailbox is set. Either one URL,
# imaps://user:password@host:993/INBOX (percent-encode special characters), or the four settings.
INTAKE_IMAP_URL = env_str("INTAKE_IMAP_URL", "").strip()
INTAKE_IMAP_HOST = env_str("INTAKE_IMAP_HOST", "").strip()
INTAKE_IMAP_PORT = env_int("INTAKE_IMAP_PORT", 993, minimum=1)
INTAKE_IMAP_USER = env_str("INTAKE_IMAP_USER", "").strip()
INTAKE_IMAP_PASSWORD = env_str("INTAKE_IMAP_PASSWORD", "")
INTAKE_IMAP_FOLDER = env_str("INTAKE_IMAP_FOLDER", "INBOX").strip() or "INBOX"
# Plain IMAP without TLS: only for a server on this machine (the tests' Dovecot).
INTAKE_IMAP_SSL = env_bool("INTAKE_IMAP_SSL", True)
# How often the mailbox is read, and how many messages one run takes at most.
INTAKE_POLL_SECONDS = env_int("INTAKE_POLL_SECONDS", 60, minimum=10)
INTAKE_BATCH_SIZE = env_int("INTAKE_BATCH_SIZE", 50, minimum=1)
# A message larger than this is not read: it is logged, marked seen and left in the mailbox for a person.
INTAKE_MAX_MESSAGE_BYTES = env_int("INTAKE_MAX_MESSAGE_BYTES", 25 * 1024 * 1024, minimum=1024)
CELERY_BEAT_SCHEDULE["poll-intake-mailbox"] = {
    "task": "intake.tasks.poll_mailbox",
    "schedule": float(INTAKE_POLL_SECONDS),
    "options": {"expires": max(5, INTAKE_POLL_SECONDS - 5)},
}
# Webhooks (webhooks/): the timeline's outbox into deliveries, then the due deliveries and the managers'
# emails about a switched-off endpoint claimed and sent, each over common.leases.
CELERY_BEAT_SCHEDULE["announce-webhook-events"] = {
    "task": "webhooks.tasks.announce_events",
    "schedule": 10.0,
    "options": {"expires": 9},
}
CELERY_BEAT_SCHEDULE["dispatch-webhooks"] = {
    "task": "webhooks.tasks.dispatch_webhooks",
    "schedule": 10.0,
    "options": {"expires": 9},
}
CELERY_BEAT_SCHEDULE["dispatch-webhook-notices"] = {
    "task": "webhooks.tasks.dispatch_webhook_notices",
    "schedule": 60.0,
    "options": {"expires": 55},
}

# --- REST API (api/) ------------------------------------------------------------------------------
# Personal tokens (Authorization: Bearer …) for programs, the session (with CSRF) for the docs page.
# Every view needs a signed-in member of staff unless it says otherwise (api/permissions.py), answers
# JSON only, and reports every error as RFC 9457 problem details (api/problems.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsStaff"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
# Requests per minute one token (or one signed-in session) may make; more get 429 with Retry-After.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120, minimum=1)
# The longest a new token may live, in days (0: tokens may be made without an expiry).
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 0, minimum=0)
# How long a response is kept for a retried request with the same Idempotency-Key.
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "CareDesk API",
    "DESCRIPTION": (
        "Complaints, their five-step recovery, customers and the figures, under the same rules as the "
        "screens. Authenticate with a personal token (Your account → API tokens): "
        "`Authorization: Bearer <token>`. Errors are RFC 9457 problem details (`application/problem+json`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for signed-in staff, like everything else.
    "SERVE_PERMISSIONS": ["api.permissions.IsStaff"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: with them every operation's path is a link inside the button that opens it (interactive
    # controls nested, WCAG 4.1.2). The rest of the docs page's accessibility is static/js/api_docs_a11y.js.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RecoveryStepEnum": "api.serializers.complaints.STEP_CHOICES",
        "SkippableStepEnum": "api.serializers.complaints.SKIPPABLE_STEP_CHOICES",
        "EventKindEnum": "recovery.models.EventKind",
        "AtonementKindEnum": "recovery.models.AtonementKind",
    },
    # The order the docs page shows the sections in: the daily work first.
    "TAGS": [
        {"name": "Complaints", "description": "Find, read and log complaints."},
        {"name": "Complaint actions", "description": "The five steps and everything else done to a complaint."},
        {"name": "Inbox", "description": "Complaints customers sent themselves, waiting to be taken."},
        {"name": "Customers", "description": "Find, read, add and change customers."},
        {"name": "Reference", "description": "Categories, due times and the customer-service policy."},
        {"name": "Dashboard", "description": "The managers' recovery figures."},
        {"name": "Training", "description": "Training records and the training matrix."},
    ],
    # Every operation lists the problems it can answer with, as application/problem+json (api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
}

# --- Webhooks (webhooks/) ---------------------------------------------------------------------------
# Deliveries to private, loopback or link-local addresses are refused unless this is set (a test
# receiver on the same machine, an internal network you trust): server-side request forgery.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
# Seconds to connect and to wait for the receiver's answer.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
# An endpoint is switched off after this many failed attempts in a row, and the managers are told.
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 15, minimum=1)

# --- Managers' dashboard -----------------------------------------------------------------
# Computed figures are cached this long (keyed by the filters); the page never shows older than 5 minutes.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 120, minimum=0)
if DASHBOARD_CACHE_SECONDS > 300:
    raise ImproperlyConfigured(f"DASHBOARD_CACHE_SECONDS must be at most 300; got {DASHBOARD_CACHE_SECONDS}.")
if DASHBOARD_CACHE_SECONDS:
    # Recompute the default view a little before its cached figures expire (recovery.tasks.refresh_dashboard);
    # without CACHE_URL the task does nothing and logs why: the worker's in-memory cache reaches no web process.
    CELERY_BEAT_SCHEDULE["refresh-dashboard"] = {
        "task": "recovery.tasks.refresh_dashboard",
        "schedule": float(max(15, DASHBOARD_CACHE_SECONDS - 20)),
        "options": {"expires": max(10, DASHBOARD_CACHE_SECONDS - 30)},
    }
# Fold the latest changes into the dashboard's roll-up (recovery.rollup; PostgreSQL): a page folds in
# whatever is left itself, so its figures are always current; this keeps that part small.
DASHBOARD_ROLLUP_SECONDS = env_int("DASHBOARD_ROLLUP_SECONDS", 10, minimum=2)
CELERY_BEAT_SCHEDULE["apply-dashboard-changes"] = {
    "task": "recovery.tasks.apply_dashboard_changes",
    "schedule": float(DASHBOARD_ROLLUP_SECONDS),
    "options": {"expires": max(1, DASHBOARD_ROLLUP_SECONDS - 2)},
}
# Each lost customer tells about this many people (an estimate shown as such on the dashboard).
WORD_OF_MOUTH_FACTOR = env_int("WORD_OF_MOUTH_FACTOR", 10, minimum=0)

# --- Money -----------------------------------------------------------------------------------
# The currency atonement values are recorded in (ISO 4217); every amount is shown with its symbol.
CURRENCY = env_str("CURRENCY", "GBP").strip().upper()
if not is_currency_code(CURRENCY):
    raise ImproperlyConfigured(
        f"CURRENCY must be the ISO 4217 code of a currency, such as GBP, EUR or USD; got {env_str('CURRENCY')!r}."
    )

# --- Cache ---------------------------------------------------------------------------------
# Holds the rate-limit counters and the dashboard's figures. The embedded default is in-process memory
# (one `runserver`); with several processes set CACHE_URL=redis://… so they share them. Nothing in it is
# needed: while Redis is unreachable it answers as a miss (common/cache.py), so every page keeps working.
CACHE_URL = env_str("CACHE_URL", "")
# Short socket timeouts: an unreachable cache host must cost a request a second, not a minute.
CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "common.cache.FailSafeRedisCache", "LOCATION": CACHE_URL, "OPTIONS": CACHE_OPTIONS}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The one rule for every rate limit (the survey pages, /healthz) when the cache cannot be reached: fail
# open, serve the request uncounted. The limits slow down abuse of pages that are safe without them (a
# survey link is signed, expires and answers once; /healthz shows no data), while failing closed would
# turn a cache outage into a survey and health-check outage. Sign-in lockout (django-axes) counts in the
# database and is not affected.
RATELIMIT_FAIL_OPEN = True

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Secure by default: HTTPS only, cookies only over HTTPS, and browsers told to keep to HTTPS for a year
    # (Django sends HSTS on HTTPS responses only, so a plain-HTTP trial pins nothing). A deployment turns
    # off what it must, explicitly; the README's production section says which and when.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        # The proxy terminates TLS and says so in X-Forwarded-Proto; without this every request would look
        # like plain HTTP, and SECURE_SSL_REDIRECT would redirect for ever.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Strict by default: no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws form controls with inline SVG data: URIs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Health check (/healthz) -------------------------------------------------------------
# Requests per client address (django-ratelimit's "N/period"); load balancers probe every few seconds.
HEALTHZ_RATE_LIMIT = env_str("HEALTHZ_RATE_LIMIT", "60/m").strip()
if not re.fullmatch(r"\d+/\d*[smhd]", HEALTHZ_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"HEALTHZ_RATE_LIMIT must look like 60/m (a number per s, m, h or d); got {HEALTHZ_RATE_LIMIT!r}."
    )
# Beat's heartbeat runs every minute; older than this, /healthz reports beat failed.
HEALTHZ_BEAT_MAX_AGE_SECONDS = env_int("HEALTHZ_BEAT_MAX_AGE_SECONDS", 300, minimum=60)
# Load balancers probe the web servers over plain HTTP: answer them rather than redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Error reports ---------------------------------------------------------------------------
# Who is emailed the traceback of a server error (500) when DEBUG is off: "Name <a@example.com>, b@example.com".
ADMINS = env_addresses("ADMINS")
# The reports leave out what people typed or are (common/error_reports.py).
DEFAULT_EXCEPTION_REPORTER = "common.error_reports.PersonalDataReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "common.error_reports.PersonalDataFilter"
# Optional: errors of the web app, workers and beat also go to Sentry, scrubbed the same way.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from common.error_reports import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", ""), release=env_str("SENTRY_RELEASE", ""))

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the id of the request (or of the request that queued the task) it belongs to,
    # "-" outside one (common/request_id.py).
    "formatters": {
        "plain": {
            "class": "common.request_id.RequestIdFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s",
        }
    },
    "filters": {
        "refusal_without_traceback": {"()": "common.log_filters.RefusalWithoutTraceback"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # A server error's traceback to ADMINS (nobody when it is empty), with the request id in its first line.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # In place of Django's default handlers of its logger (its mail_admins has no format): errors of
        # Django's loggers (a 500 from django.request) are emailed to ADMINS; everything reaches the console.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # A refused request (403) is one line; Django would add the PermissionDenied traceback.
        "django.request": {"filters": ["refusal_without_traceback"]},
    },
}
