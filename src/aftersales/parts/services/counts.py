"""Stock-take (PT-3): open a count sheet for a place, enter what was counted, finish, approve.

Opening freezes, per part of the place (its balance rows), the quantity the books expect and
the unit cost the difference is valued at. Approval turns every line's difference into an
adjustment move through ``stock_adjust``, in the approval's one transaction.

**The rule at approval**: stock keeps moving while a place is counted (a job takes a part from
the van, a shipment comes in). Those moves are real and must not be undone, so approval does
not set stock to the counted figure; it applies the count's *difference*:

    new on hand = on hand at approval + (counted − expected at opening)

A line whose difference would take stock below zero (more was issued since opening than the
difference allows) is refused with the line named; nothing is adjusted then.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.events import event_append
from aftersales.core.exceptions import IllegalTransition, PermissionDenied
from aftersales.core.numbering import number_assign, placeholder
from aftersales.core.workflow import transition_apply

from ..models import PartPrice, StockBalance, StockCount, StockCountLine, StockMove, Warehouse
from ..models import StockCountStatus as S
from ..selectors_catalogue import part_price_on
from ..workflow_counts import LEADS, stock_count_workflow
from .stock import balance_locked, may_move, quantity_clean, stock_adjust

DOC_TYPE = "stock_count"
PREFIX = "ST"


def _may_lead(actor, warehouse: Warehouse) -> bool:
    role = getattr(actor, "role", None)
    return bool((actor.is_superuser or role in LEADS) and may_move(actor, warehouse))


def stock_count_open(*, actor, warehouse: Warehouse, note: str = "",
                     blind: bool = False) -> StockCount:
    """A new count sheet for ``warehouse`` with every part it holds a balance row of, the
    expected quantity frozen as it stands now. One count under way per place. ``blind``: the
    counters do not see the expected quantities until counting is finished."""
    if not _may_lead(actor, warehouse):
        raise PermissionDenied(_("Only a supervisor or a manager of the place opens a count."))
    if not warehouse.active:
        raise ValidationError({"warehouse": [_("%(place)s is closed.") % {"place": warehouse}]})
    with transaction.atomic():
        # Lock the place: two supervisors opening at once make one sheet, not two.
        Warehouse.objects.select_for_update().filter(pk=warehouse.pk).first()
        if StockCount.objects.filter(warehouse=warehouse,
                                     status__in=[S.OPEN, S.COUNTED]).exists():
            raise ValidationError({"warehouse": [
                _("%(place)s is already being counted.") % {"place": warehouse}]})
        count = StockCount.objects.create(number=placeholder(), warehouse=warehouse,
                                          opened_by=actor, note=(note or "").strip()[:300],
                                          blind=bool(blind))
        # the cost price valid today (selectors_catalogue.part_price_on's row), for every part
        # in one query; a part without a price row is valued at the price list's price
        cost = (PartPrice.objects.filter(part=OuterRef("part"), valid_from__lte=timezone.localdate())
                .order_by("-valid_from").values("cost")[:1])
        balances = (StockBalance.objects.filter(warehouse=warehouse, part__active=True)
                    .select_related("part").annotate(cost=Subquery(cost)).order_by("part__code"))
        StockCountLine.objects.bulk_create([
            StockCountLine(count=count, part=b.part, expected=b.quantity,
                           unit_cost=b.cost if b.cost is not None else b.part.unit_price)
            for b in balances])
        event_append(subject=count, action="open", actor=actor, to_state=S.OPEN, note=count.note)
        number_assign(count, doc_type=DOC_TYPE, prefix=PREFIX)
    return count


def counted_clean(part, value) -> Decimal:
    """A counted quantity: zero or more, as finely as the part's unit allows."""
    text = str(value if value is not None else "").strip()
    if text == "":
        raise ValidationError({"counted": [_("Enter the quantity counted (0 if none).")]})
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({"counted": [_("Enter a number.")]}) from None
    if not amount.is_finite():
        raise ValidationError({"counted": [_("Enter a number.")]})
    if amount < 0:
        raise ValidationError({"counted": [_("A counted quantity cannot be negative.")]})
    if amount == 0:
        return Decimal(0)
    return quantity_clean(part, amount, field="counted")


def _require_counter(actor, count: StockCount) -> None:
    if not may_move(actor, count.warehouse):
        raise PermissionDenied(_("You may not count %(place)s.") % {"place": count.warehouse})


def stock_count_line_set(*, actor, line: StockCountLine, counted) -> StockCountLine:
    """Record what was counted of one line, while the sheet is open (a later entry replaces
    an earlier one)."""
    amount = counted_clean(line.part, counted)
    count = line.count
    _require_counter(actor, count)
    with transaction.atomic():
        locked = StockCount.objects.select_for_update().get(pk=count.pk)
        if locked.status != S.OPEN:
            raise IllegalTransition(_("Count %(number)s is no longer open for entries.")
                                    % {"number": locked.number})
        line.counted = amount
        StockCountLine.objects.filter(pk=line.pk).update(counted=amount)
    return line


def stock_count_line_add(*, actor, count: StockCount, part, counted) -> StockCountLine:
    """A part found on the shelf that is not on the sheet (the books held none of it when the
    sheet was opened, or it was not active then): a line of its own, counted as entered. Its
    expected quantity is what the books held at opening — the balance after the place's last
    move of the part before then, else 0 — so approval adds the same difference as on any line;
    it is valued at the cost price of the opening day."""
    _require_counter(actor, count)
    if part is None or not part.active:
        raise ValidationError({"part": [_("Enter the number of an active part.")]})
    amount = counted_clean(part, counted)
    with transaction.atomic():
        locked = StockCount.objects.select_for_update().get(pk=count.pk)
        if locked.status != S.OPEN:
            raise IllegalTransition(_("Count %(number)s is no longer open for entries.")
                                    % {"number": locked.number})
        if StockCountLine.objects.filter(count=locked, part=part).exists():
            raise ValidationError({"part": [_("%(code)s is on the sheet already: enter what "
                                              "you counted on its line.") % {"code": part.code}]})
        expected = (StockMove.objects.filter(warehouse=locked.warehouse, part=part,
                                             at__lte=locked.created_at)
                    .order_by("-at", "-id").values_list("balance_after", flat=True).first())
        opened_on = timezone.localdate(locked.created_at)
        price = part_price_on(part, opened_on)
        line = StockCountLine.objects.create(
            count=locked, part=part, expected=expected or Decimal(0), counted=amount,
            unit_cost=price.cost if price is not None else part.unit_price)
        event_append(subject=locked, action="line_add", actor=actor,
                     data={"part": part.code, "counted": str(amount)})
    return line


def stock_count_finish(*, actor, count: StockCount, note: str = "",
                       expected_version: int | None = None) -> StockCount:
    """Counting is done: every line must have a counted quantity."""
    _require_counter(actor, count)
    missing = list(count.lines.filter(counted__isnull=True)
                   .values_list("part__code", flat=True)[:10])
    if missing:
        raise ValidationError({"lines": [_("Not counted yet: %(parts)s.")
                                         % {"parts": ", ".join(missing)}]})
    with transaction.atomic():
        return transition_apply(workflow=stock_count_workflow, instance=count, name="counted",
                                actor=actor, note=note, expected_version=expected_version,
                                changes={"counted_at": timezone.now()})


def stock_count_recount(*, actor, count: StockCount, note: str = "",
                        expected_version: int | None = None) -> StockCount:
    if not _may_lead(actor, count.warehouse):
        raise PermissionDenied()
    return transition_apply(workflow=stock_count_workflow, instance=count, name="recount",
                            actor=actor, note=note, expected_version=expected_version,
                            changes={"counted_at": None})


def stock_count_cancel(*, actor, count: StockCount, note: str = "",
                       expected_version: int | None = None) -> StockCount:
    if not _may_lead(actor, count.warehouse):
        raise PermissionDenied()
    return transition_apply(workflow=stock_count_workflow, instance=count, name="cancel",
                            actor=actor, note=note, expected_version=expected_version)


def stock_count_approve(*, actor, count: StockCount, note: str = "",
                        expected_version: int | None = None) -> StockCount:
    """A supervisor or manager approves the count: each line's difference becomes one
    adjustment move (new on hand = on hand now + counted − expected), all in this transaction.
    The transition locks the sheet and checks its state first, so a second approval — at once
    or later — is refused and moves nothing."""
    warehouse = count.warehouse
    if not _may_lead(actor, warehouse):
        raise PermissionDenied(_("Only a supervisor or a manager of the place approves a count."))
    with transaction.atomic():
        count = transition_apply(workflow=stock_count_workflow, instance=count, name="approve",
                                 actor=actor, note=note, expected_version=expected_version,
                                 changes={"approved_by": actor, "approved_at": timezone.now()})
        lines = list(count.lines.select_related("part").order_by("part_id"))
        problems = []
        for line in lines:
            difference = line.counted - line.expected
            if difference == 0:
                continue
            balance = balance_locked(warehouse, line.part)  # ordered by part: no deadlock
            target = balance.quantity + difference
            if target < 0:
                problems.append(
                    _("%(part)s: %(on_hand)s on hand now, %(diff)s by the count.")
                    % {"part": line.part.code, "on_hand": _plain(balance.quantity),
                       "diff": _plain(difference)})
                continue
            line.move = stock_adjust(actor=actor, warehouse=warehouse, part=line.part,
                                     counted=_plain(target), note=count.number,
                                     reference=f"count:{count.number}")
            StockCountLine.objects.filter(pk=line.pk).update(move=line.move)
        if problems:
            raise ValidationError({"lines": [
                _("Since the count was opened more has left the place than the count allows; "
                  "count again: %(lines)s") % {"lines": " ".join(problems)}]})
    return count


def _plain(amount: Decimal) -> str:
    return f"{Decimal(amount).normalize():f}"


ACTIONS = {
    "counted": stock_count_finish,
    "recount": stock_count_recount,
    "approve": stock_count_approve,
    "cancel": stock_count_cancel,
}
