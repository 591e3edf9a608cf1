"""Settings shared by every environment. Values that vary come from config.env."""

from pathlib import Path

from aftersales.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.env_str("SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
DEBUG = env.env_bool("DEBUG", False)
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.customers",
    "aftersales.parts",
    "aftersales.service",
    "aftersales.dispatch",
    "aftersales.dealers",
    "aftersales.billing",
    "aftersales.invoicing",
    "aftersales.warranty",
    "aftersales.feedback",
    "aftersales.complaints",
    "aftersales.maintenance",
    "aftersales.care",
    "aftersales.shop",
    "aftersales.reports",
    "aftersales.field",
    "aftersales.portal",
    "aftersales.demo",
    "aftersales.api",
    "aftersales.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aftersales.core.logging.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aftersales.core.middleware.InputCheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "aftersales.config.urls"
WSGI_APPLICATION = "aftersales.config.wsgi.application"
ASGI_APPLICATION = "aftersales.config.asgi.application"

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
                "aftersales.web.context.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.database_config(DATA_DIR / "aftersales.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS: list = []  # each app keeps its own locale/ (scripts/i18n.py)
TIME_ZONE = env.env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# Attachments (core/attachments.py): photos and PDFs up to this size. Files go to MEDIA_ROOT, or
# to an S3-compatible store when ATTACHMENT_S3_BUCKET is set (pip install 'aftersales[s3]';
# endpoint and keys from AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
ATTACHMENT_MAX_BYTES = env.env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
if env.env_str("ATTACHMENT_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": env.env_str("ATTACHMENT_S3_BUCKET"),
                    "endpoint_url": env.env_str("AWS_S3_ENDPOINT_URL") or None,
                    "querystring_auth": True, "file_overwrite": False},
    }

# Shared by every process (rate limits): Redis when CACHE_URL or REDIS_URL names one, else the
# database (config/env.py cache_config). NUM_PROXIES: how many proxies in front of the
# application add X-Forwarded-For (0: the header is ignored and REMOTE_ADDR is the client).
CACHES = {"default": env.cache_config()}
NUM_PROXIES = env.env_int("NUM_PROXIES", 0, minimum=0)
# The staff log-in refuses, without checking the password, after this many failures in the
# window (seconds) for one username from one address, or for one address overall.
LOGIN_FAILURE_LIMIT = env.env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_LIMIT_PER_IP = env.env_int("LOGIN_FAILURE_LIMIT_PER_IP", 50, minimum=1)
LOGIN_FAILURE_WINDOW = env.env_int("LOGIN_FAILURE_WINDOW", 900, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aftersales.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["aftersales.api.permissions.StaffOnly"],  # no customers
    "DEFAULT_PAGINATION_CLASS": "aftersales.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [  # size, depth and control-character limits (api/parsers.py)
        "aftersales.api.parsers.JSONParser",
        "aftersales.api.parsers.FormParser",
        "aftersales.api.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "aftersales.api.schema.AutoSchema",  # with the error responses
    "EXCEPTION_HANDLER": "aftersales.api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "NUM_PROXIES": NUM_PROXIES,
    # POST /api/v1/auth/token/ (api/throttles.py): requests per address and per username
    "DEFAULT_THROTTLE_RATES": {
        "token_ip": env.env_str("API_TOKEN_RATE_PER_IP", "60/hour"),
        "token_username": env.env_str("API_TOKEN_RATE_PER_USERNAME", "20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aftersales API",
    "DESCRIPTION": "Integration API of the after-sales service management system (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name across areas ("kind", "channel", "outcome") get names of
    # their own, stable across releases (else drf-spectacular makes up hashed names and warns).
    "ENUM_NAME_OVERRIDES": {
        "CauseEnum": "aftersales.service.choices.Cause",
        "ChannelEnum": "aftersales.service.choices.Channel",
        "RequestKindEnum": "aftersales.service.choices.Kind",
        "ServiceStatusEnum": "aftersales.service.choices.Status",  # its name before RepairedFirst
        "ComplaintChannelEnum": "aftersales.complaints.choices.Channel",
        "ComplaintKindEnum": "aftersales.complaints.choices.Kind",
        "ComplaintOutcomeEnum": "aftersales.complaints.choices.OutcomeKind",
        "WarrantyOutcomeEnum": "aftersales.warranty.choices.OutcomeKind",
        "DealerJobKindEnum": "aftersales.dealers.choices.JobKind",
        "ChargeLineKindEnum": "aftersales.billing.choices.LineKind",
        "CreditKindEnum": "aftersales.invoicing.choices.CreditKind",
        "CareVisitKindEnum": "aftersales.care.choices.VisitKind",
        "SurveyChannelEnum": "aftersales.feedback.choices.SurveyChannel",
        "SurveyRatingEnum": "aftersales.feedback.choices.Rating",
        "MethodEnum": "aftersales.billing.choices.Method",  # its name before dealers paid
        "PaymentInputMethodEnum": "aftersales.billing.choices.RECEIVED_METHODS",
        "OrderPaymentMethodEnum": "aftersales.parts.choices.PaymentMethod",
        "OrderPaymentInputMethodEnum": "aftersales.parts.choices.PAYABLE_METHODS",
    },
}

# Outbound messages (one-time codes, later surveys): pluggable backends, console by default.
EMAIL_BACKEND = env.env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env.env_str("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env.env_str("DEFAULT_FROM_EMAIL", "service@aftersales.localhost")
SMS_BACKEND = env.env_str("SMS_BACKEND", "aftersales.core.sms.ConsoleSmsBackend")
SMS_FILE_PATH = DATA_DIR / "sms"

# Covering indexes (Index.include) serve PostgreSQL; SQLite builds the same index without the
# extra columns, which is all the embedded default needs (customers' name index, bench/lists).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A list page's count of its rows may take this long on PostgreSQL (ms; 0: no limit); past it
# the page is shown uncounted (core/pagination.py, docs/adr/0014-list-counts-within-a-budget.md).
LIST_COUNT_BUDGET_MS = env.env_int("LIST_COUNT_BUDGET_MS", 100, minimum=0)

# PostgreSQL plans list searches as for a database held in memory (core/plans.py, ADR 0017).
DB_SEARCH_RANDOM_PAGE_COST = env.search_random_page_cost()

# How far back staff may date a call they register (reported_at, days); never into the future.
REPORTED_AT_BACKDATE_DAYS = env.env_int("REPORTED_AT_BACKDATE_DAYS", 30, minimum=0)

# Replaced warranty parts (PT-3): calendar days to send the faulty part back, and the one place
# that receives them (a warehouse code; empty: the central warehouse). docs/parts.md.
PART_RETURN_DAYS = env.env_int("PART_RETURN_DAYS", 15, minimum=1)
PART_RETURN_POINT = env.env_str("PART_RETURN_POINT", "")
# Loans (PT-3): days after a loan's due date before one not brought back counts as kept (charged).
LOAN_KEPT_AFTER_DAYS = env.env_int("LOAN_KEPT_AFTER_DAYS", 30, minimum=0)

# The base address used in QR codes and links sent to customers.
SITE_URL = env.env_str("SITE_URL", "http://127.0.0.1:8000")

# The service hotline customers are given in the portal where their service centre has no phone.
SERVICE_HOTLINE = env.env_str("SERVICE_HOTLINE", "400-820-8820")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "aftersales.core.logging.JsonFormatter"},
                   "text": {"()": "aftersales.core.logging.TextFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": env.env_str("LOG_FORMAT", "json")}},
    "root": {"handlers": ["console"], "level": env.env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# bench/intake's floor endpoint; never on in production.
BENCH_ENDPOINTS = env.env_bool("BENCH_ENDPOINTS", False)

# Background tasks: the database by default, Redis/RQ when TASKS_BACKEND=rq; run `aftersales worker`.
REDIS_URL = env.env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if env.env_str("TASKS_BACKEND", "database") == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
# A worker beats every TASK_WORKER_HEARTBEAT seconds; a task left running by a worker not seen for
# TASK_WORKER_LOST_AFTER seconds (or whose process is gone on this host) runs again, up to
# TASK_MAX_ATTEMPTS starts in all (core/task_recovery.py).
TASK_WORKER_HEARTBEAT = int(env.env_str("TASK_WORKER_HEARTBEAT", "10"))
TASK_WORKER_LOST_AFTER = int(env.env_str("TASK_WORKER_LOST_AFTER", "60"))
TASK_MAX_ATTEMPTS = int(env.env_str("TASK_MAX_ATTEMPTS", "3"))
# Every worker runs the sweeps of what falls due by the clock (deadline alerts) this often
# (core/ticks.py): an alert fires at most this many seconds after its time.
WORKER_TICK_SECONDS = int(env.env_str("WORKER_TICK_SECONDS", "30"))

# How long the day planner searches (seconds); it runs in the background.
DAY_PLAN_TIME_LIMIT = int(env.env_str("DAY_PLAN_TIME_LIMIT", "30"))
