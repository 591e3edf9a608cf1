"""Tests: fast hashing, in-memory mail outbox unless a test sets up a real SMTP server."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# SQLite tests use a file, not memory, so that parallel workers and the live server share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
SMS_FILE_PATH = DATA_DIR / "test-sms"  # noqa: F405
