"""The faulty unit given back on a 三包 replacement or refund: received once, into a place the
receiver may work in, with its serial; recorded on the outcome and the request, not in stock.
And the new unit: the product carries its serial, and its warranty counts from the replacement."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.attachments import attachment_list
from aftersales.core.dates import local_today, warranty_end
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.ledger import AppendOnlyError
from aftersales.customers.services import product_model_update
from aftersales.customers.tests.factories import InstalledProductFactory
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import StockMove, Warehouse
from aftersales.service.tests.factories import Cast, new_request
from aftersales.warranty import services
from aftersales.warranty.models import UnitReturn, WarrantyOutcome
from aftersales.warranty.selectors import outcome_list, warranty_facts

from .helpers import job_with_priors
from .test_outcomes import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(clock_at):
    clock_at(10, 0)
    return Cast()


@pytest.fixture
def store(cast):
    return Warehouse.objects.create(code=f"ST-{cast.centre.code}", name="中心仓",
                                    kind=WarehouseKind.CENTRE, service_centre=cast.centre)


def _replacement(cast):
    job, _ = job_with_priors(cast, days_since_purchase=3)
    return services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                                   serious_fault=True, replacement_serial="SN-NEW-9")


def test_the_faulty_unit_is_received_once_and_is_not_stock(cast, store):
    outcome = _replacement(cast)
    assert [o.pk for o in outcome_list(user=cast.supervisor, unit="awaited")] == [outcome.pk]
    moves = StockMove.objects.count()
    received = services.unit_received(actor=cast.supervisor, outcome=outcome, warehouse=store,
                                      serial=" SN-OLD-1 ", note="外壳完好")
    assert (received.serial, received.warehouse, received.received_by) == (
        "SN-OLD-1", store, cast.supervisor)
    assert StockMove.objects.count() == moves  # not put into stock
    assert [e.action for e in event_list(outcome)] == ["decide", "unit_received"]
    assert "warranty_unit_received" in [e.action for e in event_list(outcome.request)]
    assert not outcome_list(user=cast.supervisor, unit="awaited").exists()
    assert [o.pk for o in outcome_list(user=cast.supervisor, unit="received")] == [outcome.pk]
    with pytest.raises(ConflictError):
        services.unit_received(actor=cast.supervisor, outcome=outcome, warehouse=store,
                               serial="SN-OLD-1")
    assert UnitReturn.objects.count() == 1
    with pytest.raises(AppendOnlyError):
        received.save()


def test_bad_input_and_the_wrong_people_are_refused(cast, store):
    repair, _ = job_with_priors(cast)
    outcome = services.outcome_decide(actor=cast.supervisor, request=repair, kind="repair")
    with pytest.raises(ValidationError) as err:
        services.unit_received(actor=cast.supervisor, outcome=outcome, warehouse=store,
                               serial="")
    assert set(err.value.message_dict) == {"outcome", "serial"}
    replacement = _replacement(cast)
    other_centre = UserFactory(role=Role.SUPERVISOR)  # a supervisor of another centre
    with pytest.raises(PermissionDenied):
        services.unit_received(actor=other_centre, outcome=replacement, warehouse=store,
                               serial="SN-OLD-1")
    store.active = False
    store.save()
    with pytest.raises(ValidationError) as err:
        services.unit_received(actor=cast.supervisor, outcome=replacement, warehouse=store,
                               serial="SN-OLD-1")
    assert "warehouse" in err.value.message_dict
    assert not UnitReturn.objects.exists()


def test_the_request_page_takes_the_unit_back_and_the_api_shows_it(client, cast, store):
    outcome = _replacement(cast)
    client.force_login(cast.supervisor)
    url = reverse("service:detail", args=[outcome.request_id])
    page = client.get(url).content.decode()
    assert 'data-unit-return="awaited"' in page and "data-unit-received" in page
    # the faulty unit's serial is offered (the product carries the new unit's now)
    assert outcome.unit_serial and outcome.unit_serial != "SN-NEW-9"
    assert f'name="serial" value="{outcome.unit_serial}"' in page
    response = client.post(reverse("warranty:unit_received", args=[outcome.pk]),
                           {"warehouse": store.pk, "serial": "SN-OLD-1", "note": "包装破损"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-unit-return="received"' in page and "data-unit-received" not in page
    listing = client.get(reverse("warranty:home") + "?unit=received").content.decode()
    assert outcome.number in listing
    body = client.get(f"/api/v1/warranty-outcomes/{outcome.pk}/").json()
    assert body["unit_return"]["serial"] == "SN-OLD-1"
    # the customer's page names the replacement under the new warranty end
    customer_page = client.get(reverse("customers:detail", args=[outcome.request.customer_id]))
    assert "data-replaced-on" in customer_page.content.decode()
    again = client.post(f"/api/v1/warranty-outcomes/{outcome.pk}/unit-received/",
                        {"warehouse": store.pk, "serial": "SN-OLD-1"},
                        content_type="application/json")
    assert again.status_code == 409


def test_the_api_records_the_unit_received(client, cast, store):
    outcome = _replacement(cast)
    client.force_login(cast.supervisor)
    url = f"/api/v1/warranty-outcomes/{outcome.pk}/unit-received/"
    bad = client.post(url, {"warehouse": store.pk, "serial": ""}, content_type="application/json")
    assert bad.status_code == 400 and "serial" in bad.json()
    response = client.post(url, {"warehouse": store.pk, "serial": "SN-OLD-1", "note": "ok"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["serial"] == "SN-OLD-1"
    assert UnitReturn.objects.get().outcome == outcome


# --- the new unit's warranty (the national 三包 rules: it counts again from the replacement) ----

def test_a_replacement_makes_the_product_the_new_unit_with_its_own_warranty(cast, clock_at):
    job, earlier = job_with_priors(cast, priors=1, days_since_purchase=3)
    product = job.installed_product
    old_serial, months = product.serial, product.model.warranty_months
    today = local_today()
    services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                            serious_fault=True, replacement_serial="SN-NEW-9")
    product.refresh_from_db()
    assert (product.serial, product.replaced_on) == ("SN-NEW-9", today)
    assert product.warranty_ends_on == warranty_end(today, months)
    replaced = [e for e in event_list(product) if e.action == "replaced"]
    assert replaced and replaced[0].data["old_serial"] == old_serial
    # ten days on: the new unit's days count from the replacement, and the old unit's repairs
    # are no evidence for it
    clock_at(10, 0, day=today + timedelta(days=10))
    later = new_request(cast, customer=product.customer, product=product)
    facts = warranty_facts(later)
    assert facts.days_since_purchase == 10
    assert earlier[0] not in facts.priors and facts.priors == []
    # a corrected catalogue keeps the new unit's start
    product_model_update(actor=cast.manager, product_model=product.model,
                         warranty_months=months + 12)
    product.refresh_from_db()
    assert product.warranty_ends_on == warranty_end(today, months + 12)


def test_a_replacement_serial_already_registered_is_refused_whole(cast):
    job, _ = job_with_priors(cast, days_since_purchase=3)
    taken = InstalledProductFactory(model=job.installed_product.model, serial="SN-TAKEN")
    with pytest.raises(ValidationError) as err:
        services.outcome_decide(actor=cast.supervisor, request=job, kind="replacement",
                                serious_fault=True, replacement_serial=taken.serial)
    assert "replacement_serial" in err.value.message_dict
    assert not WarrantyOutcome.objects.exists()
    job.installed_product.refresh_from_db()
    assert job.installed_product.replaced_on is None


# --- evidence after the decision ----------------------------------------------------------------

def test_evidence_is_added_after_the_decision_on_the_page_and_through_the_api(client, cast):
    outcome = _replacement(cast)
    client.force_login(cast.supervisor)
    page = client.get(reverse("service:detail", args=[outcome.request_id])).content.decode()
    assert "data-evidence-add" in page
    photo = SimpleUploadedFile("铭牌.png", PNG, content_type="image/png")
    response = client.post(reverse("warranty:evidence_add", args=[outcome.pk]), {"file": photo})
    assert response.status_code == 302
    text = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
    response = client.post(f"/api/v1/warranty-outcomes/{outcome.pk}/evidence/", {"file": text})
    assert response.status_code == 400 and "file" in response.json()
    pdf = SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF",
                             content_type="application/pdf")
    response = client.post(f"/api/v1/warranty-outcomes/{outcome.pk}/evidence/", {"file": pdf})
    assert response.status_code == 201, response.content
    body = client.get(f"/api/v1/warranty-outcomes/{outcome.pk}/").json()
    assert [e["name"] for e in body["evidence"]] == ["铭牌.png", "检测报告.pdf"]
    assert client.get(body["evidence"][0]["url"]).status_code == 200
    # an agent reads the outcome but adds no evidence
    agent = UserFactory(role=Role.AGENT, service_centre=cast.centre)
    client.force_login(agent)
    again = SimpleUploadedFile("x.png", PNG, content_type="image/png")
    refused = client.post(f"/api/v1/warranty-outcomes/{outcome.pk}/evidence/", {"file": again})
    assert refused.status_code == 403
    assert len(attachment_list(outcome, "evidence")) == 2
