"""Every write to places and stock (house style rule 1): the stock ledger (PT-2, PT-3).

Stock moves are an append-only ledger; each place's stock on hand of a part is one balance row
(``StockBalance``), locked and changed in the same transaction as the move it sums, so the two
never disagree and two writers drawing the last unit queue on the row lock: the second finds
nothing left and is refused. No move may take stock below zero, and no move out (but a count's
adjustment or a scrap) below what the place holds for material requests approved or picked and
not shipped yet: that is reserved (``selectors.reserved_quantity``).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied

from ..choices import INWARD, OUTWARD, MoveKind, WarehouseKind
from ..models import (
    MaterialRequestLine,
    MaterialRequestStatus,
    Part,
    StockBalance,
    StockMove,
    Warehouse,
)
from ..selectors import reserved_quantity

# Moves that record stock found missing or broken: they may take what is reserved (a picked part
# that broke is scrapped; the pick or the shipment then finds the shortage). Every other move
# out may not.
LOSSES = frozenset({MoveKind.ADJUSTMENT, MoveKind.SCRAP})
WAREHOUSE_FIELDS = ("code", "name", "kind", "service_centre", "technician", "dealer", "active")


# --- who may touch a place ----------------------------------------------------------------------

def may_move(user, warehouse: Warehouse) -> bool:
    """The rule of ``Warehouse.restrict_rule``, for one place already loaded (no query)."""
    if user is None:
        return True  # the system itself (tasks, commands)
    if user.is_superuser or getattr(user, "sees_all_centres", False):
        return True
    role = getattr(user, "role", None)
    if role == "technician":
        return warehouse.technician_id == user.pk
    if role in {"agent", "supervisor"} and user.service_centre_id:
        return user.service_centre_id in {warehouse.service_centre_id,
                                          getattr(warehouse.technician, "service_centre_id", None)}
    return False


def _require_place(actor, warehouse: Warehouse) -> None:
    if not may_move(actor, warehouse):
        raise PermissionDenied(_("You may not move stock in %(place)s.") % {"place": warehouse})
    if not warehouse.active:
        raise ValidationError({"warehouse": [_("%(place)s is closed.") % {"place": warehouse}]})


def _require_manager(actor) -> None:
    if not (actor.is_superuser or getattr(actor, "sees_all_centres", False)):
        raise PermissionDenied()


# --- quantities ---------------------------------------------------------------------------------

def quantity_clean(part: Part, value, *, field: str = "quantity") -> Decimal:
    """A positive quantity counted as finely as the part's unit allows (pieces: whole numbers)."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("The quantity must be more than zero.")]})
    if -amount.as_tuple().exponent > part.unit_decimals and amount != amount.to_integral_value():
        if part.unit_decimals == 0:
            message = _("%(part)s is counted in whole %(unit)s.")
        else:
            message = _("%(part)s is counted to %(places)d decimal places at most.")
        raise ValidationError({field: [message % {"part": part.code, "unit": part.unit,
                                                  "places": part.unit_decimals}]})
    if amount >= Decimal("1e10"):
        raise ValidationError({field: [_("The quantity is too large.")]})
    return amount


# --- the ledger ---------------------------------------------------------------------------------

def balance_locked(warehouse: Warehouse, part: Part) -> StockBalance:
    """The place's balance row of the part, locked for this transaction (created at zero)."""
    try:
        return StockBalance.objects.select_for_update().get(warehouse=warehouse, part=part)
    except StockBalance.DoesNotExist:
        # Two writers may both find no row: one insert wins, the other is ignored, both lock it.
        StockBalance.objects.bulk_create([StockBalance(warehouse=warehouse, part=part)],
                                         ignore_conflicts=True)
        return StockBalance.objects.select_for_update().get(warehouse=warehouse, part=part)


def free_quantity(balance: StockBalance, *, exclude=None) -> tuple[Decimal, Decimal]:
    """(free, reserved) of a locked balance row: on hand less what material requests hold
    (approved or picked, not shipped)."""
    reserved = reserved_quantity(balance.warehouse_id, balance.part_id, exclude=exclude)
    return balance.quantity - reserved, reserved


def _post(*, actor, warehouse: Warehouse, part: Part, kind: str, quantity: Decimal,
          balance: StockBalance | None = None, **fields) -> StockMove:
    """Write one move and its balance; ``quantity`` is signed. Inside a transaction."""
    balance = balance or balance_locked(warehouse, part)
    after = balance.quantity + quantity
    if after < 0:
        raise ValidationError({"quantity": [
            _("Only %(on_hand)s %(unit)s of %(part)s in %(place)s: %(wanted)s cannot be taken.")
            % {"on_hand": _plain(balance.quantity), "unit": part.unit, "part": part.code,
               "place": warehouse.name, "wanted": _plain(-quantity)}]})
    if quantity < 0 and kind not in LOSSES:
        free, reserved = free_quantity(balance)
        if reserved and -quantity > free:
            raise ValidationError({"quantity": [
                _("Only %(free)s %(unit)s of %(part)s in %(place)s are free: %(reserved)s are "
                  "reserved for material requests and wait to be shipped.")
                % {"free": _plain(max(free, Decimal(0))), "unit": part.unit, "part": part.code,
                   "place": warehouse.name, "reserved": _plain(reserved)}]})
    balance.quantity = after
    balance.save(update_fields=["quantity", "updated_at"])
    move = StockMove.objects.create(
        warehouse=warehouse, part=part, kind=kind, quantity=quantity, balance_after=after,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(), **fields)
    if quantity > 0:
        _short_approvals_topped_up(move.actor, balance)
    return move


def _short_approvals_topped_up(actor, balance: StockBalance) -> None:
    """Stock came into a place: the requests approved short of the part there hold more of it,
    the oldest request first, up to what is free now — so what was approved first is served
    first. Under the balance row's lock, as every reservation; one ``reserve`` event each."""
    short = list(MaterialRequestLine.objects.filter(
        Q(reserved_quantity__isnull=True) | Q(reserved_quantity__lt=F("quantity")),
        material_request__source_id=balance.warehouse_id, part_id=balance.part_id,
        material_request__status=MaterialRequestStatus.APPROVED,
    ).select_related("material_request__source", "part").order_by("material_request_id"))
    if not short:
        return
    free, _reserved = free_quantity(balance)
    topped = []
    for line in short:
        if free <= 0:
            break
        held = line.reserved_quantity or Decimal(0)
        line.reserved_quantity = held + min(line.quantity - held, free)
        free -= line.reserved_quantity - held
        topped.append(line)
    MaterialRequestLine.objects.bulk_update(topped, ["reserved_quantity"])
    for line in topped:
        material = line.material_request
        event_append(
            subject=material, action="reserve", actor=actor,
            note=(_("Stock arrived in %(place)s: %(part)s now holds %(held)s of %(wanted)s "
                    "%(unit)s.") % {"place": material.source.name, "part": line.part.code,
                                    "held": _plain(line.reserved_quantity),
                                    "wanted": _plain(line.quantity), "unit": line.part.unit}
                  )[:300],
            data={"reserved": {line.part.code: _plain(line.reserved_quantity)},
                  "place": material.source_id, "topped_up": True})


def _plain(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


def stock_move(*, actor, warehouse: Warehouse, part: Part, kind: str, quantity,
               request=None, unit_cost=None, reference: str = "", note: str = "") -> StockMove:
    """One move in or out of one place: receipt, issue to or return from a job, loan out or
    back, scrap. Transfers and count adjustments have functions of their own."""
    if kind not in INWARD | OUTWARD or kind in {MoveKind.TRANSFER_IN, MoveKind.TRANSFER_OUT}:
        raise ValidationError({"kind": [_("Choose the kind of move.")]})
    amount = quantity_clean(part, quantity)
    _require_place(actor, warehouse)
    if kind == MoveKind.SCRAP and not (note or "").strip():
        raise ValidationError({"note": [_("Say why the part is scrapped.")]})
    if kind in {MoveKind.ISSUE, MoveKind.RETURN} and request is None:
        raise ValidationError({"request": [_("Name the job the part is for.")]})
    with transaction.atomic():
        return _post(actor=actor, warehouse=warehouse, part=part, kind=kind,
                     quantity=amount if kind in INWARD else -amount, request=request,
                     unit_cost=unit_cost, reference=reference[:60], note=(note or "")[:300])


def stock_transfer(*, actor, source: Warehouse, target: Warehouse, part: Part, quantity,
                   reference: str = "", note: str = "",
                   by_receiver: bool = False) -> tuple[StockMove, StockMove]:
    """Move stock from one place to another: two moves in one transaction. Whoever may move
    stock in ``source`` sends it; ``by_receiver``: whoever may move stock in ``target`` takes
    it in (parts a dealer sent back, received at the store)."""
    amount = quantity_clean(part, quantity)
    if source.pk == target.pk:
        raise ValidationError({"target": [_("Choose another place to move the stock to.")]})
    if by_receiver:
        _require_place(actor, target)
    else:
        _require_place(actor, source)
        if not target.active:
            raise ValidationError({"target": [_("%(place)s is closed.") % {"place": target}]})
    with transaction.atomic():
        # Lock both rows in one order, so two opposite transfers cannot deadlock.
        first, second = sorted((source, target), key=lambda w: w.pk)
        balances = {first.pk: balance_locked(first, part), second.pk: balance_locked(second, part)}
        out = _post(actor=actor, warehouse=source, part=part, kind=MoveKind.TRANSFER_OUT,
                    quantity=-amount, balance=balances[source.pk], counterpart=target,
                    reference=reference[:60], note=(note or "")[:300])
        into = _post(actor=actor, warehouse=target, part=part, kind=MoveKind.TRANSFER_IN,
                     quantity=amount, balance=balances[target.pk], counterpart=source,
                     reference=reference[:60], note=(note or "")[:300])
    return out, into


def stock_adjust(*, actor, warehouse: Warehouse, part: Part, counted, note: str,
                 reference: str = "") -> StockMove | None:
    """A count (stock-take, PT-3) sets stock on hand to what was counted: one adjustment move
    of the difference, or none when the count agrees. ``reference``: the count sheet."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say which count this is.")]})
    counted = Decimal(0) if str(counted).strip() in {"0", "0.0"} else quantity_clean(
        part, counted, field="counted")
    _require_place(actor, warehouse)
    with transaction.atomic():
        balance = balance_locked(warehouse, part)
        difference = counted - balance.quantity
        if difference == 0:
            return None
        return _post(actor=actor, warehouse=warehouse, part=part, kind=MoveKind.ADJUSTMENT,
                     quantity=difference, balance=balance, note=note.strip()[:300],
                     reference=reference[:60])


def reorder_level_set(*, actor, warehouse: Warehouse, part: Part, level) -> StockBalance:
    level = Decimal(0) if str(level).strip() in {"0", ""} else quantity_clean(
        part, level, field="reorder_level")
    _require_place(actor, warehouse)
    with transaction.atomic():
        balance = balance_locked(warehouse, part)
        balance.reorder_level = level
        balance.save(update_fields=["reorder_level", "updated_at"])
    return balance


# --- places -------------------------------------------------------------------------------------

def warehouse_create(*, actor, **data) -> Warehouse:
    _require_manager(actor)
    values = {k: v for k, v in data.items() if k in WAREHOUSE_FIELDS}
    errors = {}
    kind = values.get("kind")
    if kind == WarehouseKind.VAN and values.get("technician") is None:
        errors["technician"] = [_("A van belongs to a technician.")]
    if kind == WarehouseKind.CENTRE and values.get("service_centre") is None:
        errors["service_centre"] = [_("A store belongs to a service centre.")]
    if kind == WarehouseKind.DEALER and values.get("dealer") is None:
        errors["dealer"] = [_("Dealer's stock belongs to a dealer.")]
    if not (values.get("code") or "").strip():
        errors["code"] = [_("Give the place a code.")]
    elif Warehouse.objects.filter(code=values["code"].strip()).exists():
        errors["code"] = [_("Another place has this code.")]
    if errors:
        raise ValidationError(errors)
    values["code"] = values["code"].strip()
    with transaction.atomic():
        warehouse = Warehouse.objects.create(**values)
        change_log(actor=actor, instance=warehouse, action="create")
    return warehouse


def job_stock_place(request, *, at_bench: bool) -> Warehouse | None:
    """Where a job's parts come from: the centre's store for a workshop repair, else the
    assigned technician's van; None where no such place is kept (stock is then not tracked)."""
    if at_bench:
        return (Warehouse.objects.filter(kind=WarehouseKind.CENTRE, active=True,
                                         service_centre_id=request.service_centre_id)
                .order_by("pk").first())
    if request.assigned_technician_id is None:
        return None
    return Warehouse.objects.filter(kind=WarehouseKind.VAN, active=True,
                                    technician_id=request.assigned_technician_id).first()


def job_part_issue(*, actor, usage) -> StockMove | None:
    """A part fitted on a job (a usage line) comes out of the place the job draws from."""
    request, amount = usage.request, Decimal(usage.quantity)
    fields = {"request": request, "reference": f"usage:{usage.pk}"}
    with transaction.atomic(savepoint=False):
        move = _issue_in_two_statements(actor=actor, part=usage.part, amount=amount,
                                        at_bench=usage.at_bench, **fields)
        if move is not None:
            return move
        place = job_stock_place(request, at_bench=usage.at_bench)
        if place is None:
            return None
        return _post(actor=actor, warehouse=place, part=usage.part, kind=MoveKind.ISSUE,
                     quantity=-amount, **fields)


def _issue_in_two_statements(*, actor, part, amount, at_bench, request, **fields):
    """The busy path of fitting a part, on PostgreSQL: one UPDATE finds the job's place, checks
    and lowers its balance (the row lock is taken there), one INSERT writes the move. None when
    it cannot (no such place, no balance row, not enough there, or SQLite): the general path
    then finds out which and says so. SQLite keeps the general path, where decimal arithmetic
    stays in Python."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return None
    if at_bench:
        place_sql, place_arg = "kind = %s AND service_centre_id = %s", [
            WarehouseKind.CENTRE, request.service_centre_id]
    elif request.assigned_technician_id is not None:
        place_sql, place_arg = "kind = %s AND technician_id = %s", [
            WarehouseKind.VAN, request.assigned_technician_id]
    else:
        return None
    balances, places = StockBalance._meta.db_table, Warehouse._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {balances} SET quantity = quantity - %s, updated_at = %s "
            f"WHERE part_id = %s AND quantity >= %s AND warehouse_id = ("
            f"SELECT id FROM {places} WHERE active AND {place_sql} ORDER BY id LIMIT 1) "
            f"RETURNING warehouse_id, quantity",
            [amount, now, part.pk, amount, *place_arg])
        row = cursor.fetchone()
    if row is None:
        return None
    return StockMove.objects.create(
        warehouse_id=row[0], part=part, kind=MoveKind.ISSUE, quantity=-amount,
        balance_after=row[1], actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now, request=request, **fields)


def dealer_stock_place(dealer) -> Warehouse | None:
    """A dealer's own stock place; None where its stock is not kept in the product."""
    return (Warehouse.objects.filter(kind=WarehouseKind.DEALER, active=True, dealer=dealer)
            .order_by("pk").first())


def dealer_part_issue(*, actor, dealer, line, request=None) -> StockMove | None:
    """A part a dealer fitted on its job (a ``dealers.DealerJobPart``) leaves the dealer's stock
    place, as a usage line leaves the van; nothing moves for a dealer without one. ``request``:
    the service request of a job we handed over (none for the dealer's own call)."""
    place = dealer_stock_place(dealer)
    if place is None:
        return None
    with transaction.atomic(savepoint=False):
        return _post(actor=actor, warehouse=place, part=line.part, kind=MoveKind.ISSUE,
                     quantity=-Decimal(line.quantity), request=request,
                     reference=f"dealer-part:{line.pk}")


def _issue_undo(*, actor, reference: str, part, request=None) -> StockMove | None:
    """What was issued under ``reference`` goes back to the place it left (a return row beside
    the issue: the ledger keeps both); nothing moves where nothing was issued."""
    issued = (StockMove.objects.filter(reference=reference, kind=MoveKind.ISSUE)
              .select_related("warehouse").first())
    if issued is None:
        return None
    with transaction.atomic():
        return _post(actor=actor, warehouse=issued.warehouse, part=part, kind=MoveKind.RETURN,
                     quantity=-issued.quantity, request=request, reference=reference)


def job_part_return(*, actor, usage) -> StockMove | None:
    """A usage line taken off the job puts the part back where it came from."""
    return _issue_undo(actor=actor, reference=f"usage:{usage.pk}", part=usage.part,
                       request=usage.request)


def dealer_part_return(*, actor, line, request=None) -> StockMove | None:
    """A part a dealer took off its completed job (a ``dealers.DealerJobPart`` recorded by
    mistake) goes back into the dealer's stock place it left."""
    return _issue_undo(actor=actor, reference=f"dealer-part:{line.pk}", part=line.part,
                       request=request)
