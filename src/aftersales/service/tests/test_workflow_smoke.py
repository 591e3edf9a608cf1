import pytest

from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request


@pytest.mark.django_db
@pytest.mark.parametrize("target", [Status.CLOSED, Status.INSPECTED])
def test_drive_to(target):
    cast = Cast()
    request = new_request(cast)
    assert drive(request, cast, target).status == target
