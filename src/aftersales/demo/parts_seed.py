"""Demo data for parts: the central warehouse, each centre's store and each technician's van,
stocked through the ledger's own services (opening receipts and transfers), with reorder levels
so that the low-stock list has something to show. Seeded after the requests were played: the
stock starts today, as when a company starts keeping it in the product."""

from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.parts import services as stock
from aftersales.parts.choices import MoveKind, WarehouseKind
from aftersales.parts.models import Part
from aftersales.parts.selectors import stock_on_hand


def seed_parts(rng, admin) -> None:
    parts = list(Part.objects.filter(active=True).order_by("code"))
    central = stock.warehouse_create(actor=admin, code="HQ", name="总部中心仓",
                                     kind=WarehouseKind.CENTRAL)
    for part in parts:
        stock.stock_move(actor=admin, warehouse=central, part=part, kind=MoveKind.RECEIPT,
                         quantity=rng.randint(40, 120), unit_cost=(part.unit_price
                                                                  * Decimal("0.6")).quantize(
                             Decimal("0.01")), reference="期初库存")
    for centre in ServiceCentre.objects.order_by("code"):
        store = stock.warehouse_create(actor=admin, code=f"{centre.code}-STORE",
                                       name=f"{centre.name}配件库", kind=WarehouseKind.CENTRE,
                                       service_centre=centre)
        for part in parts:
            stock.stock_transfer(actor=admin, source=central, target=store, part=part,
                                 quantity=rng.randint(3, 15), reference="期初调拨")
            # a reorder level on every part; a few end up at or below it
            stock.reorder_level_set(actor=admin, warehouse=store, part=part,
                                    level=rng.choice([2, 3, 4, 5, 6]))
        technicians = User.objects.filter(role=Role.TECHNICIAN, service_centre=centre,
                                          is_active=True).order_by("username")
        for technician in technicians:
            van = stock.warehouse_create(actor=admin, code=f"VAN-{technician.username}",
                                         name=f"{technician.get_full_name() or technician}车载库",
                                         kind=WarehouseKind.VAN, technician=technician)
            for part in rng.sample(parts, k=min(len(parts), 8)):
                quantity = min(rng.randint(1, 3), stock_on_hand(warehouse=store, part=part) - 1)
                if quantity > 0:
                    stock.stock_transfer(actor=admin, source=store, target=van, part=part,
                                         quantity=quantity, reference="随车备件")


def seed_returns(rng, admin, today) -> None:
    """Most faulty parts of past jobs came back in time: sent by the technician who owes them
    and received at the central warehouse (the last one still on its way); those not yet due stay
    open, and the oldest overdue one is left for the daily sweep to count as kept (so every state
    has an example)."""
    from aftersales.parts import services as parts_services
    from aftersales.parts.models import ReturnObligation, ReturnStatus

    overdue = list(ReturnObligation.objects.filter(status=ReturnStatus.OPEN, due_on__lt=today)
                   .select_related("owed_by", "part").order_by("due_on", "pk"))
    several = len(overdue) >= 3
    for index, obligation in enumerate(overdue):
        if several and index == 0:
            continue  # kept: the sweep charges it
        owner = obligation.owed_by or admin
        serial = f"{obligation.part.code}-{rng.randint(100000, 999999)}"
        parts_services.obligation_serials_record(
            actor=owner, obligation=obligation, new_serial=f"N{serial}", faulty_serial=serial)
        parts_services.obligation_send(actor=owner, obligation=obligation,
                                       tracking=f"SF{rng.randint(10**11, 10**12 - 1)}")
        if not (several and index == len(overdue) - 1):  # the last one is still on its way
            parts_services.obligation_receive(actor=admin, obligation=obligation)
