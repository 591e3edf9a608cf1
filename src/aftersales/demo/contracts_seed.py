"""Demo data for contracts and 三包 outcomes (AR-6, SR-2 B, SR-3).

Contracts: the demo's contracts get a responsible person; three more are signed that end within
the month, and the daily renewal sweep opens their renewals (notice + task): one is renewed (the
next contract, linked), one lost (a competitor was cheaper), one left to do. 三包: a finished
in-warranty repair is recorded as a repair; two customers whose products are days old call with
a serious fault: one is refunded (a refund note), the other's unit is replaced from the centre's
store (or by serial when no stocked unit fits). Seeded after parts (the unit leaves stock)."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.customers import services as customer_services
from aftersales.customers.choices import LostReason
from aftersales.customers.models import ContractRenewal, InstalledProduct, MaintenanceContract
from aftersales.parts.choices import WarehouseKind
from aftersales.parts.models import Part, Warehouse
from aftersales.service import services as request_services
from aftersales.service.choices import CHARGEABLE_CAUSES, Status
from aftersales.service.models import ServiceRequest
from aftersales.warranty import services as warranty_services


def seed_contracts(rng, admin, today) -> None:
    desk = list(User.objects.filter(role__in=[Role.AGENT, Role.SUPERVISOR], is_active=True)
                .order_by("username"))
    for contract in MaintenanceContract.objects.filter(responsible__isnull=True).order_by("pk"):
        centre_desk = [u for u in desk if u.service_centre_id == contract.customer.service_centre_id]
        customer_services.contract_update(actor=admin, contract=contract,
                                          responsible=rng.choice(centre_desk or desk))
    covered = MaintenanceContract.products.through.objects.values("installedproduct_id")
    free = list(InstalledProduct.objects.exclude(pk__in=covered).select_related("customer")
                .filter(purchased_on__lt=today - timedelta(days=400)).order_by("pk")[:3])
    made = []
    for index, product in enumerate(free):
        ends = today + timedelta(days=8 + 7 * index)
        made.append(customer_services.contract_create(
            actor=admin, customer=product.customer, products=[product],
            starts_on=ends - timedelta(days=364), ends_on=ends, fee=Decimal(rng.choice((360, 480))),
            responsible=rng.choice(desk) if desk else None, note="年度保养合同"))
    customer_services.contract_renewals_sweep(today=today)
    renewals = {r.contract_id: r for r in ContractRenewal.objects.filter(
        contract__in=made, outcome="open")}
    if len(made) >= 1 and made[0].pk in renewals:
        customer_services.contract_renew(actor=admin, renewal=renewals[made[0].pk],
                                         note="客户同意续约,费用不变")
    if len(made) >= 2 and made[1].pk in renewals:
        customer_services.contract_renewal_lose(actor=admin, renewal=renewals[made[1].pk],
                                                reason=LostReason.COMPETITOR,
                                                note="当地维修店报价低两百元")


def seed_warranty(rng, admin, today) -> None:
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"))
    decider = managers[0] if managers else admin
    done = ServiceRequest.objects.filter(
        status__in=[Status.COMPLETED, Status.CLOSED], in_warranty=True, internal=False,
        installed_product__isnull=False, warranty_outcome__isnull=True,
    ).exclude(cause__in=CHARGEABLE_CAUSES).select_related("installed_product__model")
    repaired = done.order_by("-reported_at").first()
    if repaired is not None:
        warranty_services.outcome_decide(actor=decider, request=repaired, kind="repair",
                                         note="保修期内免费维修,已修复")
    # Products bought days ago whose owners call with a serious fault (SR-3 三包).
    fresh = list(InstalledProduct.objects.filter(
        purchased_on__gte=today - timedelta(days=15), installed_on__isnull=False,
        requests__isnull=True).select_related("customer", "model").order_by("-purchased_on")[:2])
    for index, product in enumerate(fresh):
        job = request_services.service_request_create(
            actor=decider, customer=product.customer, installed_product=product,
            description="开机即报E1故障,无法加热", cause="product_fault")
        days = (today - product.purchased_on).days
        if index == 0 and days <= 7:
            warranty_services.outcome_decide(
                actor=decider, request=job, kind="refund", serious_fault=True,
                refund_amount=Decimal("2680.00"), note="购买七日内出现性能故障,客户要求退货")
            continue
        store = Warehouse.objects.filter(kind=WarehouseKind.CENTRE,
                                         service_centre=job.service_centre).first()
        unit = (Part.objects.filter(category=product.model.category, active=True,
                                    balances__warehouse=store, balances__quantity__gte=1)
                .order_by("code").first() if store else None)
        try:
            outcome = warranty_services.outcome_decide(
                actor=decider, request=job, kind="replacement", serious_fault=True,
                replacement_part=unit, replacement_warehouse=store if unit else None,
                replacement_serial=f"NEW-{product.serial}", note="十五日内性能故障,为客户换新")
            if store is not None:  # the old unit came back with the technician
                warranty_services.unit_received(actor=decider, outcome=outcome, warehouse=store,
                                                serial=product.serial, note="外观完好,待返厂检测")
        except ValidationError:
            pass  # the demo goes on without this example
