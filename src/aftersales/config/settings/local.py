"""Development and demo: DEBUG on unless the environment says otherwise."""

from aftersales.config import env

from .base import *  # noqa: F403

DEBUG = env.env_bool("DEBUG", True)
if DEBUG:
    STORAGES["staticfiles"] = {  # noqa: F405
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
