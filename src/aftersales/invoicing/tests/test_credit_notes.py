"""credit_note_issue (BL-4): the one way every app credits a customer."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from aftersales.core.events import event_list
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.tests.factories import CustomerFactory

from ..models import CreditNote
from ..selectors import credit_notes_for
from ..services import credit_note_issue, invoice_credited
from .factories import accountant, invoice_make

pytestmark = pytest.mark.django_db


def test_credit_against_an_invoice_is_numbered_immutable_and_has_an_event():
    actor = accountant()
    customer = CustomerFactory()
    invoice = invoice_make(customer, "300.00")
    note = credit_note_issue(actor=actor, customer=customer, amount="100.005",
                             reason="安装费多收", invoice=invoice)
    assert note.amount == Decimal("100.01")  # half-up to the cent
    assert note.number.startswith("CN") and len(note.number) == 10
    assert [line.amount for line in note.lines.all()] == [Decimal("100.01")]
    assert [e.action for e in event_list(note)] == ["issue"]
    assert invoice_credited(invoice) == Decimal("100.01")
    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        CreditNote.objects.filter(pk=note.pk).update(amount=1)


def test_credit_never_exceeds_what_the_invoice_has_left():
    actor = accountant()
    customer = CustomerFactory()
    invoice = invoice_make(customer, "300.00")
    credit_note_issue(actor=actor, customer=customer, amount="250", reason="折让",
                      invoice=invoice)
    with pytest.raises(ValidationError) as error:
        credit_note_issue(actor=actor, customer=customer, amount="50.01", reason="再折让",
                          invoice=invoice)
    assert "50.00" in str(error.value.message_dict["amount"])
    credit_note_issue(actor=actor, customer=customer, amount="50", reason="余额",
                      invoice=invoice)
    assert invoice_credited(invoice) == Decimal("300.00")


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"reason": "  "}, "reason"),
    ({"kind": "gift"}, "kind"),
    ({"kind": "credit", "invoice": None}, "invoice"),
    ({"lines": [("配件", "10")]}, "lines"),
])
def test_bad_input_is_refused_and_nothing_is_saved(kwargs, field):
    customer = CustomerFactory()
    args = {"actor": accountant(), "customer": customer, "amount": "20", "reason": "退款",
            "kind": "refund"} | kwargs
    with pytest.raises(ValidationError) as error:
        credit_note_issue(**args)
    assert field in error.value.message_dict
    assert not CreditNote.objects.exists()


def test_invoice_of_another_customer_is_refused():
    invoice = invoice_make(CustomerFactory(), "100")
    with pytest.raises(ValidationError) as error:
        credit_note_issue(actor=accountant(), customer=CustomerFactory(), amount="10",
                          reason="x", invoice=invoice)
    assert "invoice" in error.value.message_dict


def test_allowance_and_refund_without_invoice_name_their_source():
    actor = accountant()
    customer = CustomerFactory()
    source = CustomerFactory(name="来源")  # any model instance serves as a source
    refund = credit_note_issue(actor=actor, customer=customer, amount="88", reason="三包退货退款",
                               kind="refund", source=source,
                               lines=[("主机", "80"), ("运费", "8")])
    allowance = credit_note_issue(actor=actor, customer=customer, amount="20",
                                  reason="投诉补偿", kind="allowance", source=source)
    assert list(credit_notes_for(source)) == [refund, allowance]
    assert refund.source == source and refund.source_label == "来源"
    assert [(line.description, line.amount) for line in refund.lines.all()] == [
        ("主机", Decimal("80.00")), ("运费", Decimal("8.00"))]


def test_a_rolled_back_credit_note_leaves_no_gap_in_the_numbers():
    actor = accountant()
    customer = CustomerFactory()
    first = credit_note_issue(actor=actor, customer=customer, amount="1", reason="a",
                              kind="allowance")
    with pytest.raises(RuntimeError), transaction.atomic():
        credit_note_issue(actor=actor, customer=customer, amount="1", reason="b",
                          kind="allowance")
        raise RuntimeError("the caller's transaction fails")
    second = credit_note_issue(actor=actor, customer=customer, amount="1", reason="c",
                               kind="allowance")
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1
