"""Reading what the portal sent: the SMS outbox file and e-mail bodies."""

import json
import re
from pathlib import Path

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
LINK = re.compile(r"(https?://\S+?/portal/login/link/[A-Za-z0-9_-]+/)")


def sms_messages(folder) -> list[dict]:
    path = Path(folder) / "outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def code_in(text: str) -> str:
    match = CODE.search(text)
    assert match, f"no 6-digit code in {text!r}"
    return match.group(1)


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no sign-in link in {text!r}"
    return match.group(1)


def portal_user_for(customer):
    """A customer's portal login, set up directly (for page tests that are not about sign-in)."""
    user = UserFactory(username=f"customer-{customer.pk}", role=Role.CUSTOMER,
                       service_centre=None, first_name=customer.name)
    customer.user = user
    customer.save(update_fields=["user"])
    return user
