"""Two clerks press "refund" on the same inspected return at once: one refund, one refund note."""


import pytest

from aftersales.core.exceptions import ConflictError
from aftersales.core.tests.concurrency import at_once
from aftersales.invoicing.selectors import credit_notes_for
from aftersales.service.tests.factories import Cast
from aftersales.shop import services
from aftersales.shop.models import ShopCase

from .factories import ShopFactory, order_values

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_a_return_is_refunded_once_with_two_clerks_at_once():
    cast = Cast()
    order = services.order_create(actor=cast.agent, shop=ShopFactory(), **order_values())
    case = services.case_open(actor=cast.agent, order=order, kind="return", reason="quality")
    case = services.case_goods_expect(actor=cast.agent, case=case, shipping_fee="10")
    case = services.case_goods_receive(actor=cast.agent, case=case)
    case = services.case_goods_inspect(actor=cast.agent, case=case, result="pass")
    clerks = [cast.agent, cast.supervisor, cast.manager, cast.agent]
    def refund(index):
        mine = ShopCase.objects.get(pk=case.pk)
        return services.case_refund(actor=clerks[index], case=mine).refund_amount

    outcomes = at_once(refund, len(clerks), outcomes={ConflictError: None})
    assert len([o for o in outcomes if o is not None]) == 1, outcomes
    notes = list(credit_notes_for(case))
    assert len(notes) == 1 and str(notes[0].amount) == "1309.00"
