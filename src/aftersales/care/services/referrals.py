"""Referrals (CR-3)."""



from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log, snapshot
from aftersales.core.events import event_append
from aftersales.core.workflow import version_bump
from aftersales.customers import services as customer_services
from aftersales.customers.models import Customer

from ..choices import (
    ReferralStatus,
)
from ..models import (
    Referral,
)
from .common import _is_desk, _require

# --- referrals (CR-3) ---------------------------------------------------------------------------


def referral_create(*, actor, referrer: Customer, prospect_name: str, prospect_phone: str = "",
                    note: str = "", referred: Customer | None = None) -> Referral:
    _require(_is_desk(actor))
    errors = {}
    if not (prospect_name or "").strip():
        errors["prospect_name"] = [_("Enter who was recommended.")]
    if referred is not None and referred.pk == referrer.pk:
        errors["referred"] = [_("A customer cannot refer himself.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            referrer=referrer, prospect_name=prospect_name.strip(),
            prospect_phone=(prospect_phone or "").strip(), note=note, recorded_by=actor)
        change_log(actor=actor, instance=referral, action="create")
        event_append(subject=referral, action="referral_create", actor=actor)
        if referred is not None:
            referral_close(actor=actor, referral=referral, status=ReferralStatus.WON,
                           referred=referred)
    return referral


def referral_close(*, actor, referral: Referral, status: str,
                   referred: Customer | None = None) -> Referral:
    """The prospect became a customer (``referred``; the customer's record then says who
    brought him) or was lost."""
    _require(_is_desk(actor))
    if status not in (ReferralStatus.WON, ReferralStatus.LOST):
        raise ValidationError({"status": [_("Choose won or lost.")]})
    if status == ReferralStatus.WON and referred is None:
        raise ValidationError({"referred": [_("Choose the customer the prospect became.")]})
    if referred is not None and referred.pk == referral.referrer_id:
        raise ValidationError({"referred": [_("A customer cannot refer himself.")]})
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.OPEN:
            raise ValidationError({"status": [_("This referral is already closed.")]})
        before = snapshot(referral)
        referral.status = status
        referral.referred = referred if status == ReferralStatus.WON else None
        try:
            with transaction.atomic():
                version_bump(instance=referral, expected_version=None,
                             fields=["status", "referred"])
        except IntegrityError:
            raise ValidationError(
                {"referred": [_("Another referral already brought this customer.")]}) from None
        change_log(actor=actor, instance=referral, action="update", before=before)
        event_append(subject=referral, action="referral_close", actor=actor, to_state=status)
        if referred is not None and status == ReferralStatus.WON and not referred.referred_by_id:
            customer_services.customer_update(actor=actor, customer=referred,
                                              referred_by=referral.referrer)
    return referral
