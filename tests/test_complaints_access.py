"""CP-9: the internal form (responsibility, penalties, internal notes) is never shown to the
customer, never in the portal, never to another centre — on the pages, in the API, and for
attachments. Also the API: create from outside systems with an Idempotency-Key, list, read."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import PASSWORD, UserFactory
from aftersales.complaints import services
from aftersales.complaints.models import Complaint, Department
from aftersales.complaints.tests.factories import Team, new_complaint
from aftersales.core.models import Attachment
from aftersales.portal.tests.helpers import portal_user_for

pytestmark = pytest.mark.django_db
SECRET = "内部：责任在制造二班"


def _png():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (2, 2), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("sample.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def case():
    team = Team()
    other = Team(tag="o")
    c = new_complaint(team, uploads=[_png()])
    services.internal_note_add(actor=team.manager, complaint=c, text=SECRET)
    services.responsibility_set(actor=team.manager, complaint=c, loss_actual="900",
                                lines=[{"department": Department.objects.get(code="MFG"),
                                        "ratio": Decimal("100")}])
    return team, other, c


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_internal_form_only_for_those_who_may_see_it(client, case):
    team, other, c = case
    url = f"/complaints/{c.pk}/"
    for user, sees_case, sees_internal in (
            (team.manager, True, True), (team.supervisor, True, True),
            (team.agent, True, False),  # sales may not show it: the desk agent does not see it
            (other.supervisor, False, False), (other.agent, False, False),
            (team.technician, False, False)):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        response = client.get(url)
        body = response.content.decode()
        assert (response.status_code == 200) == sees_case, user.username
        assert (SECRET in body) == sees_internal, user.username
        assert ("data-internal" in body) == sees_internal, user.username
        # the print form never carries the internal form, whoever prints it
        if sees_case:
            assert SECRET not in client.get(f"{url}print/").content.decode()


def test_customer_and_portal_never_see_it(client, case):
    team, _other, c = case
    customer_user = portal_user_for(c.customer)
    client.login(username=customer_user.username, password=PASSWORD)
    assert client.get(f"/complaints/{c.pk}/").status_code in (403, 404)
    assert client.get("/complaints/").status_code in (403, 404)
    attachment = Attachment.objects.get(object_id=c.pk, kind="sample")
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    portal = client.get("/portal/")
    assert SECRET not in portal.content.decode()
    api = _api(customer_user)
    listing = api.get("/api/v1/complaints/")
    assert listing.status_code == 403 or listing.json()["results"] == []
    assert api.get(f"/api/v1/complaints/{c.pk}/").status_code in (403, 404)


def test_api_read_hides_the_internal_part(case):
    team, other, c = case
    full = _api(team.manager).get(f"/api/v1/complaints/{c.pk}/").json()
    assert full["internal"]["notes"] == [SECRET]
    assert full["internal"]["responsibilities"][0]["department"] == "MFG"
    agent = _api(team.agent).get(f"/api/v1/complaints/{c.pk}/").json()
    assert agent["number"] == c.number and agent["internal"] is None
    assert _api(other.agent).get(f"/api/v1/complaints/{c.pk}/").status_code == 404


def test_api_create_is_idempotent(case):
    team, _other, c = case
    api = _api(team.agent)
    body = {"kind": "quality", "description": "网店买的热水器漏水", "contact_name": "赵女士",
            "contact_phone": "+8613900002222", "customer_request": "退货", "channel": "ecommerce",
            "order_ref": "TB-99001"}
    first = api.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Complaint.objects.filter(order_ref="TB-99001").count() == 1
    bad = api.post("/api/v1/complaints/", {"kind": "quality", "description": ""}, format="json")
    assert bad.status_code == 400
    tech = _api(UserFactory(username="t-api", role=Role.TECHNICIAN, service_centre=team.centre))
    assert tech.post("/api/v1/complaints/", body, format="json").status_code == 403


def test_hand_over_a_follow_up_case(client, case):
    """FB-4: the follow-up case's page shows the hand-over button; once handed over, it links to
    the complaint, and a second hand-over is refused."""
    from django.utils import timezone

    from aftersales.feedback.models import FollowUpCall
    from aftersales.feedback.services.followup import follow_up_case_open
    from aftersales.service.tests.factories import Cast, new_request

    team, _other, _c = case
    sr = new_request(Cast(centre=team.centre))
    call = FollowUpCall.objects.create(request=sr, kind="after_repair", due_at=timezone.now())
    fcase = follow_up_case_open(request=sr, source="call", summary="师傅态度很差，乱收费",
                                serious=True, complaint=True, reasons=[{"kind": "call"}], call=call)
    client.login(username=team.manager.username, password=PASSWORD)
    page = client.get(f"/feedback/cases/{fcase.pk}/").content.decode()
    assert "data-handover" in page
    response = client.post(f"/complaints/from-case/{fcase.pk}/", {"kind": "non_quality"})
    complaint = Complaint.objects.get(follow_up_case=fcase)
    assert response["Location"] == f"/complaints/{complaint.pk}/"
    assert complaint.channel == "call" and complaint.customer == sr.customer
    assert complaint.request == sr and "态度很差" in complaint.description
    page = client.get(f"/feedback/cases/{fcase.pk}/").content.decode()
    assert complaint.number in page and "data-handover" not in page
    client.post(f"/complaints/from-case/{fcase.pk}/", {"kind": "non_quality"})
    assert Complaint.objects.filter(follow_up_case=fcase).count() == 1
