"""Referrals and influence centres (CR-3): who brought whom."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.validators import phone_normalize
from aftersales.core.workflow import version_bump
from aftersales.customers import services as customer_services
from aftersales.customers.models import Customer

from ..choices import CentreKind, ContactKind, ReferralStatus, SeminarState
from ..models import CARE_EDITORS, CentreContact, InfluenceCentre, Referral, Seminar
from .common import _is_desk, _require, _staff_user

# --- influence centres --------------------------------------------------------------------------

CENTRE_FIELDS = ["name", "kind", "contact_name", "phone", "address", "customer", "keeper",
                 "active", "note"]


def _may_keep(actor, centre: InfluenceCentre | None) -> bool:
    """Supervisors and the service department write any centre; its keeper his own."""
    if actor.is_superuser or actor.role in CARE_EDITORS:
        return True
    return centre is not None and centre.keeper_id == actor.pk


def _centre_clean(values: dict, centre: InfluenceCentre | None) -> dict:
    values = {**values}
    errors = {}
    for field in ("name", "contact_name", "address", "note"):
        values[field] = (values.get(field) or "").strip()
    if not values["name"]:
        errors["name"] = [_("Enter the influence centre's name.")]
    elif (InfluenceCentre.objects.filter(name=values["name"])
          .exclude(pk=getattr(centre, "pk", None)).exists()):
        errors["name"] = [_("An influence centre of this name is kept already.")]
    if values.get("kind") not in CentreKind.values:
        errors["kind"] = [_("Choose what kind of influence centre this is.")]
    phone = (values.get("phone") or "").strip()
    if phone:
        try:
            phone = phone_normalize(phone)
        except ValidationError:
            errors["phone"] = [_("Enter a phone number.")]
    values["phone"] = phone
    customer = values.get("customer")
    if customer is not None and (InfluenceCentre.objects.filter(customer=customer)
                                 .exclude(pk=getattr(centre, "pk", None)).exists()):
        errors["customer"] = [_("This customer is another influence centre already.")]
    try:
        _staff_user(values.get("keeper"), "keeper")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    values.setdefault("active", True)
    return values


def influence_centre_save(*, actor, centre: InfluenceCentre | None = None,
                          expected_version: int | None = None, **values) -> InfluenceCentre:
    """Add an influence centre, or change one (supervisors, the service department, or the
    member of staff who keeps it). Keys of ``values``: ``CENTRE_FIELDS``."""
    _require(_may_keep(actor, centre))
    unknown = set(values) - set(CENTRE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if centre is not None:
        values = {f: values.get(f, getattr(centre, f)) for f in CENTRE_FIELDS}
    values = _centre_clean(values, centre)
    try:
        with transaction.atomic():
            if centre is None:
                centre = InfluenceCentre.objects.create(**values)
                change_log(actor=actor, instance=centre, action="create")
                event_append(subject=centre, action="centre_create", actor=actor)
                return centre
            before = snapshot(centre)
            for field, value in values.items():
                setattr(centre, field, value)
            version_bump(instance=centre, expected_version=expected_version,
                         fields=CENTRE_FIELDS)
            change_log(actor=actor, instance=centre, action="update", before=before)
            event_append(subject=centre, action="centre_update", actor=actor,
                         to_state="active" if centre.active else "inactive")
    except IntegrityError:  # two saves of the same name (or customer) at once
        raise ValidationError({"name": [
            _("An influence centre of this name is kept already.")]}) from None
    return centre


def may_contact(user, centre: InfluenceCentre) -> bool:
    """Who records a contact with a centre: the desk, or the member of staff who keeps it."""
    return _is_desk(user) or centre.keeper_id == user.pk


def centre_contact_record(*, actor, centre: InfluenceCentre, contacted_on: date,
                          kind: str = ContactKind.VISIT, note: str = "") -> CentreContact:
    """A visit, call, gift or event with an influence centre, as it happened (the desk, or the
    member of staff who keeps the centre); not on a day still to come."""
    _require(may_contact(actor, centre))
    errors = {}
    if contacted_on is None or contacted_on > local_today():
        errors["contacted_on"] = [_("Enter the day of the contact: today or a day gone by.")]
    if kind not in ContactKind.values:
        errors["kind"] = [_("Choose how the centre was contacted.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = CentreContact.objects.create(centre=centre, kind=kind, by=actor,
                                               contacted_on=contacted_on,
                                               note=(note or "").strip())
        event_append(subject=centre, action="centre_contact", actor=actor, note=contact.note,
                     data={"kind": kind, "contacted_on": contacted_on.isoformat()})
    return contact


# --- referrals ----------------------------------------------------------------------------------


def referral_create(*, actor, prospect_name: str, referrer: Customer | None = None,
                    centre: InfluenceCentre | None = None, seminar: Seminar | None = None,
                    prospect_phone: str = "", note: str = "",
                    referred: Customer | None = None) -> Referral:
    """A prospect recommended by a customer (``referrer``) or by an influence centre
    (``centre``) — one of the two; ``seminar``: met at that user seminar."""
    _require(_is_desk(actor))
    errors = {}
    if not (prospect_name or "").strip():
        errors["prospect_name"] = [_("Enter who was recommended.")]
    if (referrer is None) == (centre is None):
        errors["referrer"] = [_("Name the customer or the influence centre who recommended "
                                "the prospect (one of the two).")]
    elif centre is not None and not centre.active:
        errors["centre"] = [_("This influence centre is no longer active.")]
    if seminar is not None and seminar.state == SeminarState.CANCELLED:
        errors["seminar"] = [_("This seminar was cancelled.")]
    if referred is not None and referred.pk in _source_customer_ids(referrer, centre):
        errors["referred"] = [_("A customer cannot refer himself.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            referrer=referrer, centre=centre, seminar=seminar, prospect_name=prospect_name.strip(),
            prospect_phone=(prospect_phone or "").strip(), note=note, recorded_by=actor)
        change_log(actor=actor, instance=referral, action="create")
        event_append(subject=referral, action="referral_create", actor=actor)
        if referred is not None:
            referral_close(actor=actor, referral=referral, status=ReferralStatus.WON,
                           referred=referred)
    return referral


def _source_customer_ids(referrer, centre) -> set[int]:
    """The customers who are the referral's source: the referrer, or the centre's customer."""
    return {pk for pk in (getattr(referrer, "pk", None), getattr(centre, "customer_id", None))
            if pk is not None}


def referral_close(*, actor, referral: Referral, status: str,
                   referred: Customer | None = None) -> Referral:
    """The prospect became a customer (``referred``; the customer's record then says who
    brought him, where a customer did) or was lost."""
    _require(_is_desk(actor))
    if status not in (ReferralStatus.WON, ReferralStatus.LOST):
        raise ValidationError({"status": [_("Choose won or lost.")]})
    if status == ReferralStatus.WON and referred is None:
        raise ValidationError({"referred": [_("Choose the customer the prospect became.")]})
    if referred is not None and referred.pk in _source_customer_ids(referral.referrer,
                                                                     referral.centre):
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
        if (referred is not None and status == ReferralStatus.WON and referral.referrer_id
                and not referred.referred_by_id):
            customer_services.customer_update(actor=actor, customer=referred,
                                              referred_by=referral.referrer)
    return referral
