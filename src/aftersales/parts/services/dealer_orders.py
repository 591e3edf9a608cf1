"""A dealer's parts order (PT-1, PT-2; docs/parts.md, "Dealers' parts orders").

A dealer orders parts from the maker for a job of its (free when the job is in warranty) or for
its stock (charged). The order is a material request from the central warehouse into the
dealer's stock place: the service department approves, picks and ships it as any other request
(``services.requests``), and the dealer confirms receipt. A charged order's lines take the part's
cost on the price list on the order's day — the maker sells to dealers at cost — and it ships
only once paid in full (``services.order_payments``). Whether a job's parts are free is the
dealers app's to decide (it knows the job); parts takes ``chargeable`` from it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.numbering import number_assign, placeholder

from ..models import MaterialRequest, MaterialRequestLine
from ..models import MaterialRequestStatus as S
from ..selectors_catalogue import part_prices_on
from .requests import DOC_TYPE, PREFIX, central_warehouse, is_dealer_login, lines_clean
from .stock import dealer_stock_place


def _prices_at_cost(cleaned) -> list:
    """Each (part, quantity) with the part's cost on the price list today; a part without a
    price yet cannot be sold to a dealer (refused, naming every such part)."""
    today = local_today()
    rows = part_prices_on([(part.pk, today) for part, _quantity in cleaned])
    missing = [part.code for part, _quantity in cleaned if rows[(part.pk, today)] is None]
    if missing:
        raise ValidationError({"lines": [
            _("%(parts)s: no price on the price list yet, so it cannot be ordered. Ask the "
              "service department.") % {"parts": ", ".join(missing)}]})
    return [(part, quantity, rows[(part.pk, today)].cost) for part, quantity in cleaned]


def dealer_order_create(*, actor, dealer, lines, chargeable: bool = True, request=None,
                        dealer_job=None, note: str = "") -> MaterialRequest:
    """The dealer's login orders ``lines`` into its stock place from the central warehouse:
    for ``dealer_job`` (and its ``request``, a job we handed over), free when ``chargeable`` is
    False (the job is in warranty), or for its stock (always charged, at cost)."""
    if not is_dealer_login(actor, dealer.pk):
        raise PermissionDenied(_("Only the dealer's own logins order its parts."))
    if dealer_job is None and not chargeable:
        raise ValidationError({"lines": [_("Parts for stock are charged: only a job in warranty "
                                           "has them free.")]})
    destination = dealer_stock_place(dealer)
    if destination is None:
        raise ValidationError({"dealer": [
            _("%(dealer)s has no stock place in the product to send parts to. Ask the service "
              "department to open one.") % {"dealer": dealer.name}]})
    source = central_warehouse()
    if source is None:
        raise ValidationError({"source": [_("There is no store to supply this request.")]})
    centre_id = request.service_centre_id if request is not None else dealer.service_centre_id
    if centre_id is None:
        raise ValidationError({"dealer": [
            _("%(dealer)s is not looked after by a service centre yet. Ask the service "
              "department.") % {"dealer": dealer.name}]})
    cleaned = lines_clean(lines)
    priced = (_prices_at_cost(cleaned) if chargeable
              else [(part, quantity, None) for part, quantity in cleaned])
    with transaction.atomic():
        material = MaterialRequest.objects.create(
            number=placeholder(), request=request, service_centre_id=centre_id, source=source,
            destination=destination, in_warranty=not chargeable, chargeable=chargeable,
            note=(note or "").strip()[:300], requested_by=actor, dealer=dealer,
            dealer_job=dealer_job)
        MaterialRequestLine.objects.bulk_create([
            MaterialRequestLine(material_request=material, part=part, quantity=quantity,
                                unit_price=price)
            for part, quantity, price in priced])
        event_append(subject=material, action="create", actor=actor, to_state=S.REQUESTED,
                     note=material.note,
                     data={"dealer": dealer.code,
                           "job": dealer_job.pk if dealer_job is not None else None})
        number_assign(material, doc_type=DOC_TYPE, prefix=PREFIX)
    return material
