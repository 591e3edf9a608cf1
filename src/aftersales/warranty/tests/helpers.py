"""Test helpers: an in-warranty job with earlier finished repairs of the same product."""

from datetime import timedelta

from aftersales.core.dates import local_today
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.service.choices import Status
from aftersales.service.tests.factories import drive, new_request


def job_with_priors(cast, *, priors: int = 0, days_since_purchase: int = 60, **kwargs):
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(
        customer=customer, purchased_on=local_today() - timedelta(days=days_since_purchase))
    earlier = [drive(new_request(cast, customer=customer, product=product), cast,
                     Status.COMPLETED) for _ in range(priors)]
    job = new_request(cast, customer=customer, product=product, **kwargs)
    return job, earlier
