"""Demo data for billing: the service-fee table by product category (one with an hourly rate
of its own), quotes waiting for the customer (one agreed on the phone, one with extra labour
still to do), cash and QR taken on site for some finished paid jobs,
and one technician's hand-over confirmed by the accountant. The charge sheets themselves were
issued by the requests' completion (billing's handler) while the requests were played."""

from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.billing import services as billing
from aftersales.billing.choices import AgreedVia, Method
from aftersales.billing.models import BillingSettings, ChargeSheet, ServiceFee
from aftersales.billing.selectors import sheet_due
from aftersales.customers.models import ProductModel
from aftersales.service.choices import Category, Status
from aftersales.service.models import ServiceRequest

FEES = {"water_heater": Decimal("80.00"), "wall_boiler": Decimal("150.00"),
        "range_hood": Decimal("60.00"), "gas_stove": Decimal("50.00")}
RATES = {"wall_boiler": Decimal("100.00")}  # an hour of extra labour; others: the settings' 80


def _accountant(admin):
    user = User.objects.filter(role=Role.ACCOUNTANT, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_user(username="kuaiji", password="demo-pass-1",
                                        first_name="会计", last_name="钱", role=Role.ACCOUNTANT,
                                        service_centre=admin.service_centre)
    return user


def seed_billing(rng, admin) -> None:
    BillingSettings.objects.get_or_create(pk=1)
    for category in sorted(set(ProductModel.objects.values_list("category", flat=True))):
        ServiceFee.objects.get_or_create(
            category=category, defaults={"fee": FEES.get(category, Decimal("80.00")),
                                         "hourly_rate": RATES.get(category),
                                         "note": "收费标准（演示）"})
    accountant = _accountant(admin)

    # quotes for calls still waiting for the customer's agreement; one agreed by phone, one
    # with extra labour still to do
    waiting = list(ServiceRequest.objects.filter(status=Status.AWAITING_AGREEMENT,
                                                 category=Category.A).order_by("reported_at")[:3])
    for index, request in enumerate(waiting):
        agent = request.created_by or admin
        labour = [("拆机清洗水垢（预计）", "1.5")] if index == 1 else []
        quote = billing.quote_make(actor=agent, request=request, planned_labour=labour)
        if index == 0 and len(waiting) > 1:  # some stay waiting: the desk's list shows them
            billing.quote_agree(actor=agent, quote=quote, via=AgreedVia.PHONE,
                                signer_name=request.customer.name, note="电话确认报价")

    # money taken on site for some finished paid jobs, by the technician who did them
    sheets = list(ChargeSheet.objects.filter(category=Category.A, total__gt=0,
                                             request__assigned_technician__isnull=False)
                  .select_related("request", "request__assigned_technician")
                  .order_by("-issued_at")[:8])
    taken_by: dict[int, object] = {}
    for sheet in sheets:
        technician = sheet.request.assigned_technician
        due = sheet_due(sheet)
        if due <= 0:
            continue
        payment, _created = billing.payment_record(
            actor=technician, sheet=sheet, amount=due, method=rng.choice([Method.CASH, Method.QR]),
            idempotency_key=f"demo-{sheet.number}")
        taken_by.setdefault(technician.pk, payment.handover)
    handovers = [h for h in taken_by.values() if h is not None]
    if len(handovers) > 1:
        first = handovers[0]
        taken = sum((p.amount for p in first.payments.all()), Decimal("0.00"))
        billing.handover_confirm(actor=accountant, handover=first, counted=taken)
