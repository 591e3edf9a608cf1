"""Which product models a part fits (``Part.fits``; docs/parts.md, "Catalogue and prices").

A part that lists no model fits any. Each model added or taken off is one event on the part's
timeline and one change-log entry, in the change's transaction; only those who set prices
(``may_set_prices``: service managers and administrators) change it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied

from ..models import Part
from .prices import may_set_prices


def _fits(part: Part) -> list[int]:
    return sorted(part.fits.values_list("pk", flat=True))


def _fit_change(*, actor, part: Part, product_model, add: bool) -> Part:
    if not may_set_prices(actor):
        raise PermissionDenied(_("Only service managers and administrators edit the catalogue."))
    if product_model is None:
        raise ValidationError({"product_model": [_("Choose a product model.")]})
    with transaction.atomic():
        locked = Part.objects.select_for_update().get(pk=part.pk)
        listed = locked.fits.filter(pk=product_model.pk).exists()
        if add and listed:
            raise ValidationError({"product_model": [
                _("%(part)s already lists %(model)s.") % {"part": locked.code,
                                                          "model": product_model.code}]})
        if not add and not listed:
            raise ValidationError({"product_model": [
                _("%(part)s does not list %(model)s.") % {"part": locked.code,
                                                          "model": product_model.code}]})
        before = {"fits": _fits(locked), "version": locked.version}
        if add:
            locked.fits.add(product_model)
        else:
            locked.fits.remove(product_model)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        event_append(subject=locked, action="fit_add" if add else "fit_remove", actor=actor,
                     data={"product_model": product_model.pk, "code": product_model.code})
        change_log(actor=actor, instance=locked, action="update", before=before)
    part.version = locked.version
    return locked


def part_fit_add(*, actor, part: Part, product_model) -> Part:
    """``part`` fits ``product_model`` too (a part listing none fitted any model before)."""
    return _fit_change(actor=actor, part=part, product_model=product_model, add=True)


def part_fit_remove(*, actor, part: Part, product_model) -> Part:
    """``part`` no longer lists ``product_model`` (listing none, it fits any model)."""
    return _fit_change(actor=actor, part=part, product_model=product_model, add=False)
