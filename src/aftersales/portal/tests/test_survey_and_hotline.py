"""The portal offers the customer his pending survey (home and the request page) and gives the
number to call on every page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.feedback.models import Survey
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

from .helpers import portal_user_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def me(client, customer):
    user = portal_user_for(customer)
    client.force_login(user)
    return user


def survey_link(sr) -> str:
    return reverse("feedback:survey_for_request", args=[sr.number])


def test_a_finished_jobs_survey_is_offered_on_home_and_request_page(client, me, cast, customer):
    done = drive(new_request(cast, customer=customer), cast, Status.COMPLETED)
    assert Survey.objects.live().filter(request=done).exists()
    still_open = new_request(cast, customer=customer)

    home = client.get(reverse("portal:home")).content.decode()
    assert survey_link(done) in home and survey_link(still_open) not in home
    page = client.get(reverse("portal:request", args=[done.number])).content.decode()
    assert 'id="survey-offer"' in page and survey_link(done) in page
    page = client.get(reverse("portal:request", args=[still_open.number])).content.decode()
    assert 'id="survey-offer"' not in page

    # The link leads to a one-use survey link of his own job.
    response = client.get(survey_link(done))
    assert response.status_code == 302 and "/s/" in response["Location"]


def test_answered_or_expired_surveys_are_not_offered_again(client, me, cast, customer):
    answered = drive(new_request(cast, customer=customer), cast, Status.COMPLETED)
    expired = drive(new_request(cast, customer=customer), cast, Status.COMPLETED)
    Survey.objects.filter(request=answered).update(
        answered_at=timezone.now(), attitude=4, skill=4, punctuality=4, promise=4)
    Survey.objects.filter(request=expired).update(expires_at=timezone.now())
    home = client.get(reverse("portal:home")).content.decode()
    assert 'id="pending-surveys"' not in home
    page = client.get(reverse("portal:request", args=[answered.number])).content.decode()
    assert survey_link(answered) not in page


def test_another_customers_survey_is_not_offered(client, me, cast, other_customer):
    drive(new_request(cast, customer=other_customer), cast, Status.COMPLETED)
    assert 'id="pending-surveys"' not in client.get(reverse("portal:home")).content.decode()


def test_hotline_on_every_portal_page(client, cast, customer, settings):
    settings.SERVICE_HOTLINE = "400-820-8820"
    sign_in = client.get(reverse("portal:login")).content.decode()
    assert 'href="tel:400-820-8820"' in sign_in  # before sign-in: the service hotline

    cast.centre.phone = "021-58881234"
    cast.centre.save()
    customer.service_centre = cast.centre
    customer.save()
    client.force_login(portal_user_for(customer))
    sr = new_request(cast, customer=customer)
    for url in (reverse("portal:home"), reverse("portal:request", args=[sr.number]),
                reverse("portal:new")):
        assert 'href="tel:021-58881234"' in client.get(url).content.decode(), url

    cast.centre.phone = ""
    cast.centre.save()
    assert 'href="tel:400-820-8820"' in client.get(reverse("portal:home")).content.decode()
