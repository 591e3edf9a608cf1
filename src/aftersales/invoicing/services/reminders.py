"""Payment reminders (催款): a customer who has not paid what fell due is reminded of it — by a
text to his mobile, else by e-mail — in his language, with the invoices and the amount less
what he has with us (money on account, invoices that owe him back); at most once a day, an
event on the customer saying who reminded him, how and of what."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.models import Event
from aftersales.customers.models import Customer
from aftersales.customers.selectors import customer_mobile, message_language

from ..issuers import company
from ..permissions import may_issue
from ..selectors import customer_credit, invoices_due_now
from ..statements import PAYMENT_REMINDED, payment_reminders

SHOWN_INVOICES = 3


def reminder_text(customer, due, total) -> tuple[str, str]:
    """(subject, text) of a reminder of ``total`` on ``due`` (invoice balances and amounts), in
    the active language."""
    numbers = "、".join(balance.invoice.number for balance, _a in due[:SHOWN_INVOICES])
    values = {"customer": customer.name, "company": company().name, "total": total,
              "count": len(due), "numbers": numbers + ("…" if len(due) > SHOWN_INVOICES else ""),
              "since": due[0][0].due_on.isoformat()}
    subject = _("Payment reminder: ¥%(total)s due, %(company)s") % values
    text = _("%(customer)s, ¥%(total)s of %(count)s invoice(s) (%(numbers)s) fell due from "
             "%(since)s and is not paid yet. Please pay it soon; if you have paid already, "
             "thank you and please ignore this. %(company)s") % values
    return subject, text


def payment_reminder_send(*, actor, customer) -> tuple[Event, bool]:
    """Remind ``customer`` of what he should have paid by today, less what he has with us: a
    text to his mobile, else an e-mail, after the commit; an event on him. Once a day: a second
    reminder the same day sends nothing and answers with the first (created False). Nothing
    due, what he has with us covering it, or no mobile and no e-mail address is refused by
    name; accountants, service managers and administrators remind."""
    if not may_issue(actor):
        raise PermissionDenied(_("Only accountants, service managers and administrators remind "
                                 "customers to pay."))
    today = local_today()
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        earlier = payment_reminders(customer).filter(data__day=today.isoformat()).first()
        if earlier is not None:
            return earlier, False
        due = invoices_due_now(customer)
        if not due:
            raise ValidationError({"customer": [_("%(customer)s has nothing due to pay.")
                                                % {"customer": customer.name}]})
        fell_due = sum(amount for _balance, amount in due)
        credit = customer_credit(customer)
        total = fell_due - credit
        if total <= 0:
            raise ValidationError({"customer": [
                _("%(customer)s has ¥%(credit)s with us (money on account, invoices owing him "
                  "back), which covers the ¥%(due)s due: apply it to his invoices instead.")
                % {"customer": customer.name, "credit": credit, "due": fell_due}]})
        mobile = customer_mobile(customer)
        if not (mobile or customer.email):
            raise ValidationError({"customer": [
                _("%(customer)s has no mobile number and no e-mail address: call him on "
                  "%(phone)s.") % {"customer": customer.name, "phone": customer.phone}]})
        with translation.override(message_language(customer)):
            subject, text = reminder_text(customer, due, total)
        if mobile:
            channel, address = "sms", mobile
            sms_send_after_commit(mobile, text)
        else:
            channel, address = "email", customer.email
            mail_send_after_commit(customer.email, subject, text)
        event = event_append(
            subject=customer, action=PAYMENT_REMINDED, actor=actor,
            note=f"¥{total} · {address}",
            data={"day": today.isoformat(), "channel": channel, "to": address,
                  "amount": str(total), "invoices": [b.invoice.number for b, _a in due]})
    return event, True
