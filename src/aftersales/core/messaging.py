"""Outbound messages to people, always sent after the transaction commits (rule 7)."""

from django.core.mail import EmailMessage, send_mail
from django.db import transaction

from .sms import get_sms_backend


def sms_send_after_commit(phone: str, text: str) -> None:
    transaction.on_commit(lambda: get_sms_backend().send(phone, text))


def mail_send_after_commit(to: str, subject: str, text: str,
                           attachments: tuple[tuple[str, bytes, str], ...] = ()) -> None:
    """A mail to ``to`` once the transaction commits; ``attachments``: (file name, content,
    MIME type) each."""
    if not attachments:
        transaction.on_commit(lambda: send_mail(subject, text, None, [to]))
        return
    message = EmailMessage(subject, text, None, [to])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    transaction.on_commit(message.send)
