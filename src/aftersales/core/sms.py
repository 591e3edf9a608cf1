"""Pluggable SMS sending. A real gateway implements ``send(phone, text)``; see docs/operations.md.

Sending happens after commit (``messages.send_after_commit``), never inside a transaction.
"""

import json
import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .console import console_print

logger = logging.getLogger("aftersales.sms")


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints the message as a framed block (core/console.py): the demo's backend."""

    def send(self, phone: str, text: str) -> None:
        console_print(_("SMS to %(phone)s") % {"phone": phone}, text)
        logger.info("sms sent", extra={"path": phone})


class FileSmsBackend(BaseSmsBackend):
    """Appends each message as a JSON line to SMS_FILE_PATH/outbox.jsonl (tests, staging)."""

    def send(self, phone: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": phone, "text": text, "at": datetime.now().isoformat()},
                          ensure_ascii=False)
        with open(folder / "outbox.jsonl", "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
