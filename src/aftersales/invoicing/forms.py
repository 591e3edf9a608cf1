"""Forms of invoicing's pages: shape only; the rules are the services'."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.dates import local_today

from .choices import MAX_INSTALMENTS, CreditKind, InvoicingMode
from .statements import party_statement


def month_value(value: str | None, default: date | None = None) -> str:
    """"2026-11" (an <input type=month>) → "2611"; the default month if empty or wrong."""
    value = (value or "").strip()
    try:
        year, month = (int(part) for part in value.split("-"))
        if 2000 <= year <= 2099 and 1 <= month <= 12:
            return f"{year % 100:02d}{month:02d}"
    except ValueError:
        pass
    day = default or local_today()
    return day.strftime("%y%m")


def month_input(period: str) -> str:
    return f"20{period[:2]}-{period[2:]}"


class CreditNoteForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("invoicing document", "Kind"), choices=CreditKind.choices,
                             initial=CreditKind.CREDIT)
    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=12, decimal_places=2,
                                min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReturnNoteForm(forms.Form):
    description = forms.CharField(label=_("Goods returned"), max_length=200)
    part = forms.CharField(label=_("Part number"), max_length=40, required=False,
                           help_text=_("If the goods are a part on the price list, they go "
                                       "back into stock when the warehouse receives them."))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3,
                                  min_value=0, initial=1)
    amount = forms.DecimalField(label=_("Value (¥)"), max_digits=12, decimal_places=2,
                                min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(label=_("Invoicing"), choices=InvoicingMode.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SplitForm(forms.Form):
    """The quick split of what is due on an invoice: N equal instalments every so many months
    from a first due date (a proposal the accountant adjusts before saving)."""

    count = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=MAX_INSTALMENTS,
                               initial=4)
    every = forms.TypedChoiceField(label=_("How often"), coerce=int, initial=3, choices=[
        (1, _("every month")), (3, _("every 3 months")), (6, _("every 6 months")),
        (12, _("every 12 months"))])
    first = forms.DateField(label=_("First due on"))


class ScheduleForm(forms.Form):
    """A schedule as the invoice page posts it: rows of ``due_on`` and ``amount`` (blank rows
    left out), why, and the version of the schedule the page showed. Shape only: the rows go
    to payment_schedule_set as typed, which reads and checks them."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    replaces = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def rows(self) -> list[tuple[str, str]]:
        """The rows as typed, for showing the form again."""
        days, amounts = self.data.getlist("due_on"), self.data.getlist("amount")
        rows = [(d.strip(), a.strip()) for d, a in zip(days, amounts, strict=False)]
        return [row for row in rows if row[0] or row[1]]

    def clean(self):
        data = super().clean()
        data["instalments"] = self.rows()
        return data


DUE_WITHIN_DAYS = 30


class InstalmentsDueForm(forms.Form):
    """The filter of "Instalments due" (page and Excel): what is overdue and what falls due
    within so many days, or what is overdue only."""

    days = forms.IntegerField(label=_("Due within (days)"), min_value=0, max_value=366,
                              required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


STATEMENT_MAX_DAYS = 3 * 366


def statement_default_since(today: date) -> date:
    """A statement starts on the first of last month unless asked otherwise."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


class StatementForm(forms.Form):
    """The period of a customer's or dealer's statement of account (page, Excel, API): from and to, both
    days included, to today at the latest, at most three years."""

    since = forms.DateField(label=pgettext_lazy("statement", "From"), required=False)
    until = forms.DateField(label=pgettext_lazy("statement", "To"), required=False)

    def clean(self):
        data = super().clean()
        today = local_today()
        until = data.get("until") or today
        since = data.get("since") or statement_default_since(min(until, today))
        if until > today:
            self.add_error("until", _("A statement cannot end after today."))
        elif since > until:
            self.add_error("since", _("The statement starts after it ends."))
        elif (until - since).days > STATEMENT_MAX_DAYS:
            self.add_error("since", _("A statement covers at most three years."))
        data["since"], data["until"] = since, until
        return data

    def statement_for(self, party):
        """The customer's or dealer's statement for the period asked, or None if the period is
        wrong."""
        if not self.is_valid():
            return None
        return party_statement(party, since=self.cleaned_data["since"],
                               until=self.cleaned_data["until"])

    def period_shown(self, statement) -> dict:
        """The dates the period's inputs show: as typed, else the statement's."""
        return {key: self.data.get(key) or (getattr(statement, key).isoformat()
                                            if statement else "")
                for key in ("since", "until")}
