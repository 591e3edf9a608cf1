"""Payment reminders (催款): a customer who has not paid what fell due is reminded of it — by a
text to his mobile, else by e-mail — in his language, with the invoices and the amount less
what he has with us (money on account, invoices that owe him back); at most once a day, an
event on the customer saying who reminded him, how and of what. A dealer is reminded of its
open invoices (parts it kept) the same way — a text to its mobile and a notice to its logins,
which open its statement of account."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.models import Event, Notification
from aftersales.core.validators import phone_is_mobile
from aftersales.customers.models import Customer
from aftersales.customers.selectors import customer_mobile, message_language
from aftersales.dealers.models import Dealer

from ..issuers import company
from ..models import Invoice
from ..permissions import may_issue
from ..selectors import customer_credit, invoice_balances, invoices_due_now
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


def dealer_reminder_text(dealer, due, total) -> str:
    """The text reminding ``dealer`` of ``total`` on its open invoices ``due`` (balances), in
    the active language."""
    numbers = "、".join(balance.invoice.number for balance in due[:SHOWN_INVOICES])
    return _("%(dealer)s, ¥%(total)s of %(count)s invoice(s) of ours (%(numbers)s) is not paid "
             "yet; your statement of account lists them. Please pay it soon; if you have paid "
             "already, thank you and please ignore this. %(company)s") % {
        "dealer": dealer.name, "total": total, "count": len(due), "company": company().name,
        "numbers": numbers + ("…" if len(due) > SHOWN_INVOICES else "")}


def dealer_payment_reminder_send(*, actor, dealer) -> tuple[Event, bool]:
    """Remind ``dealer`` of what its invoices have open (a dealer's invoice falls due when it
    is issued), less what other invoices owe it back: a text to its phone if that is a mobile
    (after the commit) and a notice to each of its active logins, linking its statement of
    account; an event on the dealer. Once a day, as a customer's; nothing open, what it is owed
    back covering it, or no mobile and no login is refused by name."""
    if not may_issue(actor):
        raise PermissionDenied(_("Only accountants, service managers and administrators remind "
                                 "dealers to pay."))
    today = local_today()
    with transaction.atomic():
        Dealer.objects.select_for_update().filter(pk=dealer.pk).first()
        earlier = payment_reminders(dealer).filter(data__day=today.isoformat()).first()
        if earlier is not None:
            return earlier, False
        balances = invoice_balances(Invoice.objects.filter(dealer=dealer))
        due = [balance for balance in balances if balance.outstanding > 0]
        if not due:
            raise ValidationError({"dealer": [_("%(dealer)s owes nothing on our invoices.")
                                              % {"dealer": dealer.name}]})
        open_amount = sum(balance.outstanding for balance in due)
        owed_back = sum(balance.owed_back for balance in balances)
        total = open_amount - owed_back
        if total <= 0:
            raise ValidationError({"dealer": [
                _("%(dealer)s is owed ¥%(back)s back on other invoices, which covers the "
                  "¥%(due)s open: settle the two instead.")
                % {"dealer": dealer.name, "back": owed_back, "due": open_amount}]})
        mobile = dealer.phone if phone_is_mobile(dealer.phone) else ""
        logins = list(dealer.logins.filter(user__is_active=True)
                      .values_list("user_id", flat=True))
        if not (mobile or logins):
            raise ValidationError({"dealer": [
                _("%(dealer)s has no mobile number and no login: call %(contact)s on "
                  "%(phone)s.") % {"dealer": dealer.name, "contact": dealer.contact or "—",
                                   "phone": dealer.phone or "—"}]})
        with translation.override(settings.LANGUAGE_CODE):
            text = dealer_reminder_text(dealer, due, total)
        if mobile:
            sms_send_after_commit(mobile, text)
        link = reverse("invoicing:dealer_statement", args=[dealer.pk])
        Notification.objects.bulk_create([
            Notification(user_id=user_id, text=text[:300], link=link, level="warning")
            for user_id in logins])
        to = " · ".join(filter(None, [mobile, ngettext(
            "%(count)s login", "%(count)s logins", len(logins)) % {"count": len(logins)}
            if logins else ""]))
        event = event_append(
            subject=dealer, action=PAYMENT_REMINDED, actor=actor, note=f"¥{total} · {to}",
            data={"day": today.isoformat(), "channel": "sms" if mobile else "notice",
                  "to": to, "mobile": mobile, "logins": len(logins), "amount": str(total),
                  "invoices": [balance.invoice.number for balance in due]})
    return event, True
