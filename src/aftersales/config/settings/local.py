"""Development and the demo: DEBUG off unless the environment asks for it (DEBUG=true), logs as
plain lines for the person at the console."""

import copy

from aftersales.config import env

from .base import *  # noqa: F403

DEBUG = env.env_bool("DEBUG", False)
# runserver, with DEBUG on or off: WhiteNoise serves the apps' static files from their folders
# (no collectstatic, unhashed names).
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (else WhiteNoise warns at start)

# Plain lines, the product at INFO, the task framework (two lines for every task) only when it
# warns. LOG_FORMAT=json gives production's JSON lines.
LOGGING = copy.deepcopy(LOGGING)  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = env.env_str("LOG_FORMAT", "text")
LOGGING["filters"] = {"quiet_frameworks": {
    "()": "aftersales.core.logging.QuietLoggersFilter",
    "loggers": ["django_tasks", "django_tasks_db", "django_tasks_rq", "rq", "django.utils.autoreload"],
    "level": "WARNING",
}}
LOGGING["handlers"]["console"]["filters"] = ["quiet_frameworks"]

# E-mail and SMS texts (one-time codes, surveys, alerts) as framed blocks on the console.
EMAIL_BACKEND = env.env_str("EMAIL_BACKEND", "aftersales.core.console.ConsoleEmailBackend")
