"""Billing test helpers: jobs of each category, through the services."""

from datetime import date, timedelta
from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.parts.models import PartPrice
from aftersales.parts.tests.factories import PartFactory
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import SIGNATURE, Cast, drive, new_request

__all__ = ["SIGNATURE", "Cast", "Money", "drive", "job_a", "job_c", "on_site_with_part",
           "old_product", "priced_part"]


def old_product(customer, **kwargs):
    """A unit bought long ago: out of warranty."""
    purchased = date.today() - timedelta(days=800)
    return InstalledProductFactory(customer=customer, purchased_on=purchased,
                                   installed_on=purchased, **kwargs)


def job_a(cast: Cast, *, customer=None, product=None, **kwargs):
    """An out-of-warranty call (category A), awaiting the customer's agreement."""
    customer = customer or CustomerFactory(service_centre=cast.centre)
    product = product or old_product(customer)
    return new_request(cast, customer=customer, product=product, **kwargs)


def job_c(cast: Cast, **kwargs):
    return new_request(cast, **kwargs)


def priced_part(code: str, *, price: str, cost: str, since: date | None = None):
    part = PartFactory(code=code, unit_price=Decimal(price))
    PartPrice.objects.create(part=part, price=Decimal(price), cost=Decimal(cost),
                             valid_from=since or date.today() - timedelta(days=30))
    return part


def on_site_with_part(cast: Cast, request, part, quantity: int = 1):
    request = drive(request, cast, Status.ON_SITE)
    services.service_request_record_work(actor=cast.technician, request=request,
                                         fault_found="不点火", fault_cause="点火针积碳",
                                         action_taken="更换点火针")
    services.part_add(actor=cast.technician, request=request, part=part, quantity=quantity)
    request.refresh_from_db()
    return request


def complete(cast: Cast, request):
    request = services.service_request_complete(actor=cast.technician, request=request,
                                                signer_name="张三", signature=SIGNATURE)
    request.refresh_from_db()
    return request


class Money:
    """People in the money roles."""

    def __init__(self, cast: Cast):
        self.accountant = UserFactory(username=f"acct-{cast.centre.code.lower()}",
                                      role=Role.ACCOUNTANT, service_centre=cast.centre)
