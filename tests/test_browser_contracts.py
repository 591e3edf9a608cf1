"""Maintenance contracts and 三包 in a real browser (AR-6, SR-2 B, SR-3): an agent makes a
contract from the customer's page (only that customer's products offered), finds it in the list,
records a lost renewal; a supervisor decides a 三包 replacement on the request page and, once the
faulty unit is back, records that it went back to the maker. Screenshots
docs/screenshots/contracts-*.png (set SCREENSHOT_DIR=docs/screenshots to keep them; by default
they go to /tmp/shots/contracts/)."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import login
from playwright.sync_api import expect

from aftersales.core.dates import local_today
from aftersales.customers import services as customer_services
from aftersales.customers.models import ContractRenewal, MaintenanceContract
from aftersales.customers.tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
)
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Warehouse
from aftersales.service.tests.factories import Cast
from aftersales.warranty import services as warranty_services
from aftersales.warranty.models import UnitDisposal, WarrantyOutcome
from aftersales.warranty.tests.helpers import job_with_priors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots/contracts"))


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"contracts-{name}.png"), full_page=True)


def test_contract_made_found_and_renewal_lost(page, live_server):
    cast = Cast()
    today = local_today()
    customer = CustomerFactory(name="上海华庭物业", service_centre=cast.centre,
                               phone="+8613912345678")
    model = ProductModelFactory(code="JSQ24-13", name="燃气热水器", warranty_months=12)
    mine = [InstalledProductFactory(customer=customer, model=model,
                                    purchased_on=today - timedelta(days=d)) for d in (500, 700)]
    foreign = InstalledProductFactory(model=model)
    li = CustomerFactory(name="李女士", service_centre=cast.centre)
    old = customer_services.contract_create(
        actor=cast.manager, customer=li,
        products=[InstalledProductFactory(customer=li, model=model)],
        starts_on=today - timedelta(days=345),
        ends_on=today + timedelta(days=20), fee=Decimal("360"), responsible=cast.agent)
    customer_services.contract_renewals_sweep(today=today)

    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("[data-new-contract]").click()
    expect(page.locator(f"input[name=products][value='{mine[0].pk}']")).to_be_visible()
    expect(page.locator(f"input[name=products][value='{foreign.pk}']")).to_have_count(0)
    page.check(f"input[name=products][value='{mine[0].pk}']")
    page.check(f"input[name=products][value='{mine[1].pk}']")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=364)).isoformat())
    page.fill("input[name=fee]", "960")
    page.fill("textarea[name=note]", "两台热水器年度保养，每年两次上门")
    _shot(page, "form")
    page.locator("button[type=submit].primary").click()
    contract = MaintenanceContract.objects.get(customer=customer)
    expect(page.locator("h1")).to_contain_text(contract.number)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "active")
    _shot(page, "detail")

    page.goto(f"{live_server.url}/customers/contracts/")
    expect(page.locator(f"tr[data-contract='{contract.number}']")).to_be_visible()
    expect(page.locator(f"tr[data-contract='{old.number}']")).to_have_class("expiring")
    _shot(page, "list")
    page.select_option("select[name=state]", "expiring")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("tr[data-contract]")).to_have_count(1)

    page.goto(f"{live_server.url}/customers/renewals/")
    row = page.locator(f"tr[data-renewal='{old.number}']")
    expect(row).to_be_visible()
    _shot(page, "renewals")
    row.locator("details:has(form[data-lose]) summary").click()
    row.locator("select[name=lost_reason]").select_option("competitor")
    row.locator("form[data-lose] input[name=note]").fill("对手报价低两百元")
    row.locator("form[data-lose] button[type=submit]").click()
    expect(page.locator(f"tr[data-renewal='{old.number}']")).to_have_count(0)
    renewal = ContractRenewal.objects.get(contract=old)
    assert (renewal.outcome, renewal.lost_reason) == ("lost", "competitor")


def test_a_sanbao_replacement_is_decided_on_the_request_page(page, live_server, settings):
    cast = Cast()
    job, earlier = job_with_priors(cast, priors=2)
    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/requests/{job.pk}/")
    panel = page.locator("[data-sanbao-panel]")
    expect(panel.locator("[data-entitled]")).to_have_attribute("data-entitled",
                                                              "repair,replacement,refund")
    panel.locator("input[name=kind][value=replacement]").check()
    panel.locator("input[name=replacement_serial]").fill("JSQ-NEW-0001")
    panel.locator("textarea[name=note]").fill("同一故障第三次，为客户换新机")
    panel.scroll_into_view_if_needed()
    _shot(page, "sanbao")
    panel.locator("button[type=submit]").click()
    expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "replacement")
    outcome = WarrantyOutcome.objects.get(request=job)
    assert outcome.prior_repairs == [r.number for r in earlier]
    assert outcome.replacement_serial == "JSQ-NEW-0001"

    # the faulty unit came back to the centre's store; it goes back to the maker
    store = Warehouse.objects.create(code="ST-SB", name="中心仓", kind=WarehouseKind.CENTRE,
                                     service_centre=cast.centre)
    warranty_services.unit_received(actor=cast.supervisor, outcome=outcome, warehouse=store,
                                    serial=outcome.unit_serial)
    page.reload()
    form = page.locator("form[data-unit-disposed]")
    form.locator("select[name=kind]").select_option("to_maker")
    form.locator("input[name=reference]").fill("SF1234567890")
    form.scroll_into_view_if_needed()
    _shot(page, "sanbao-disposal")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-unit-disposal]")).to_have_attribute("data-unit-disposal",
                                                                   "to_maker")
    assert UnitDisposal.objects.get(unit_return__outcome=outcome).reference == "SF1234567890"
