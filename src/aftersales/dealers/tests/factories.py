"""Dealers, regions and logins for tests."""

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory

from ..models import Dealer, DealerUser, Region


def region_make(code: str, name: str, places: str) -> Region:
    return Region.objects.create(code=code, name=name, places=places)


def dealer_make(code: str, name: str, *regions: Region, centre=None) -> Dealer:
    dealer = Dealer.objects.create(code=code, name=name, service_centre=centre,
                                   region=", ".join(r.name for r in regions))
    dealer.regions.set(regions)
    return dealer


def dealer_login(dealer: Dealer, username: str):
    user = UserFactory(username=username, role=Role.DEALER, service_centre=None)
    DealerUser.objects.create(user=user, dealer=dealer)
    return user
