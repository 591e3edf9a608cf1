"""Tests: fast hashing, in-memory mail outbox unless a test sets up a real SMTP server."""

import os

from aftersales.config import env

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# SQLite tests use a file, not memory, so that parallel workers and the live server share it.
# Each test process gets its own test database, so that several runs can go on at once.
_RUN = os.environ.get("TEST_DB_SUFFIX") or str(os.getpid())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{_RUN}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_aftersales_{_RUN}"}  # noqa: F405
SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
SMS_FILE_PATH = DATA_DIR / "test-sms"  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# The cache (rate limits) lives in each run's own test database unless TEST_CACHE_URL says else.
CACHES = {"default": env.cache_config(os.environ.get("TEST_CACHE_URL", "db://"))}
# Tests that use Redis (the RQ task backend) use their own database number.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
