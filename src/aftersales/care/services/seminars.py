"""User seminars (CR-3): plan one, invite customers (an invitation message each, once), record
their answers within the seats, then who came and what was said; or cancel it and tell the
invited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import is_headquarters
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.events import event_append
from aftersales.core.workflow import transition_apply, version_bump
from aftersales.customers.models import Customer

from .. import occasions
from ..choices import GuestStatus, Occasion, SeminarKind, SeminarState
from ..models import CARE_EDITORS, CareMessage, CareSettings, Seminar, SeminarGuest
from ..workflow import seminar_guest_workflow, seminar_workflow
from .common import _is_desk, _require, _staff_user
from .messages import care_message_send

SEMINAR_FIELDS = ["title", "kind", "starts_at", "place", "service_centre", "host", "capacity",
                  "agenda"]
INVITE_MAX = 500  # customers invited by one click: a seminar is a room, not a mailing
# who is still expected (and told if it is cancelled): not those who said no
EXPECTED = (GuestStatus.INVITED, GuestStatus.CONFIRMED)


def _is_editor(user) -> bool:
    return user.is_superuser or user.role in CARE_EDITORS


def may_plan(user, centre_id) -> bool:
    """Supervisors and the service department plan seminars; a centre's own (a supervisor or
    branch manager of a centre) only for that centre, the head office for any."""
    if not _is_editor(user):
        return False
    return is_headquarters(user) or (centre_id is not None
                                     and centre_id == user.service_centre_id)


def may_plan_any(user) -> bool:
    """May the user plan a seminar at all (for the head office, or for his own centre)?"""
    return _is_editor(user) and (is_headquarters(user) or bool(user.service_centre_id))


def may_host(user, seminar: Seminar) -> bool:
    """Who records a seminar as held and its guests' attendance: its host or an editor."""
    return _is_editor(user) or seminar.host_id == user.pk


def may_invite(user, seminar: Seminar) -> bool:
    """Who invites customers and notes their answers: the desk (it calls them) or the host."""
    return _is_desk(user) or seminar.host_id == user.pk


def may_answer(user, guest: SeminarGuest) -> bool:
    """Who notes a guest's answer: whoever may invite, or the customer himself (the portal)."""
    if user.role == Role.CUSTOMER:
        return guest.customer.user_id is not None and guest.customer.user_id == user.pk
    return may_invite(user, guest.seminar)


def _require_state(seminar: Seminar, state: str, message: str) -> None:
    if seminar.state != state:
        raise ValidationError({"state": [message]})


def _seminar_clean(values: dict, seminar: Seminar | None) -> dict:
    values = {**values}
    errors = {}
    for field in ("title", "place", "agenda"):
        values[field] = (values.get(field) or "").strip()
    if not values["title"]:
        errors["title"] = [_("Give the seminar a title.")]
    if not values["place"]:
        errors["place"] = [_("Say where the seminar is held.")]
    if values.get("kind") not in SeminarKind.values:
        errors["kind"] = [_("Choose a user forum or a product talk.")]
    # one that took place already may be entered afterwards: its guests are then recorded as
    # they came (no invitation goes out for a seminar that has begun)
    if values.get("starts_at") is None:
        errors["starts_at"] = [_("Say when the seminar starts.")]
    capacity = values.get("capacity")
    if capacity is not None:
        if capacity < 1:
            errors["capacity"] = [_("Seats: at least 1, or empty for no limit.")]
        elif seminar is not None:
            confirmed = seminar.guests.filter(status=GuestStatus.CONFIRMED).count()
            if capacity < confirmed:
                errors["capacity"] = [
                    _("%(count)s guests will come already: no fewer seats than that.")
                    % {"count": confirmed}]
    try:
        _staff_user(values.get("host"), "host")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def seminar_save(*, actor, seminar: Seminar | None = None, expected_version: int | None = None,
                 **values) -> Seminar:
    """Plan a seminar, or change a planned one (an invitation already sent keeps its wording:
    call the invited if the time or place changes). Keys of ``values``: ``SEMINAR_FIELDS``."""
    unknown = set(values) - set(SEMINAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if seminar is not None:
        values = {f: values.get(f, getattr(seminar, f)) for f in SEMINAR_FIELDS}
    centre = values.get("service_centre")
    _require(may_plan(actor, getattr(centre, "pk", None))
             and (seminar is None or may_plan(actor, seminar.service_centre_id)))
    with transaction.atomic():
        if seminar is not None:
            seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
            _require_state(seminar, SeminarState.PLANNED,
                           _("Only a planned seminar can be changed."))
        values = _seminar_clean(values, seminar)
        if seminar is None:
            seminar = Seminar.objects.create(created_by=actor, **values)
            change_log(actor=actor, instance=seminar, action="create")
            event_append(subject=seminar, action="seminar_plan", actor=actor,
                         to_state=SeminarState.PLANNED)
            return seminar
        before = snapshot(seminar)
        for field, value in values.items():
            setattr(seminar, field, value)
        version_bump(instance=seminar, expected_version=expected_version, fields=SEMINAR_FIELDS)
        change_log(actor=actor, instance=seminar, action="update", before=before)
        event_append(subject=seminar, action="seminar_update", actor=actor)
    return seminar


# --- invitations --------------------------------------------------------------------------------


def _message_item(seminar: Seminar, customer: Customer, occasion: str) -> occasions.Item:
    starts = timezone.localtime(seminar.starts_at)
    return occasions.Item(starts.date(), occasion, customer, key=seminar.key,
                          values={"seminar": seminar.title, "place": seminar.place,
                                  "date": starts.strftime("%Y-%m-%d %H:%M")})


def _messages_send(seminar: Seminar, guests, occasion: str, actor) -> int:
    """One message per guest and occasion (the care message's unique key: once, however often
    this runs); guests without a phone or address are skipped."""
    policy, sent = CareSettings.load(), 0
    for guest in guests:
        item = _message_item(seminar, guest.customer, occasion)
        if care_message_send(item=item, policy=policy, actor=actor) is not None:
            sent += 1
    return sent


def seminar_invite(*, actor, seminar: Seminar, customers, send: bool = True) -> dict:
    """Invite ``customers`` (those invited already are left as they are); ``send``: each new
    guest, and any earlier one not told yet, gets the invitation message now. Returns the
    counts ``{"added", "already", "sent"}``."""
    _require(may_invite(actor, seminar))
    customers = list({c.pk: c for c in customers}.values())
    if not customers:
        raise ValidationError({"customers": [_("Nobody to invite: choose at least one customer.")]})
    if len(customers) > INVITE_MAX:
        raise ValidationError({"customers": [
            _("%(count)s customers are too many for one seminar (at most %(max)s at a time): "
              "narrow the choice down.") % {"count": len(customers), "max": INVITE_MAX}]})
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        _require_state(seminar, SeminarState.PLANNED,
                       _("Guests can be invited only to a planned seminar."))
        if seminar.starts_at <= timezone.now():
            raise ValidationError({"state": [_("This seminar has begun: record who came.")]})
        invited = set(seminar.guests.filter(customer__in=customers)
                      .values_list("customer_id", flat=True))
        new = [SeminarGuest(seminar=seminar, customer=c, invited_by=actor)
               for c in customers if c.pk not in invited]
        SeminarGuest.objects.bulk_create(new)
        for guest in new:
            event_append(subject=guest, action="invite", actor=actor,
                         to_state=GuestStatus.INVITED)
        sent = seminar_invitations_send(actor=actor, seminar=seminar) if send else 0
    return {"added": len(new), "already": len(invited), "sent": sent}


def seminar_invitations_send(*, actor, seminar: Seminar) -> int:
    """The invitation message to every guest still expected who has not had it."""
    _require(may_invite(actor, seminar))
    _require_state(seminar, SeminarState.PLANNED,
                   _("Invitations go out only for a planned seminar."))
    guests = (seminar.guests.filter(status__in=EXPECTED).select_related("customer")
              .order_by("id"))
    with transaction.atomic():
        return _messages_send(seminar, guests, Occasion.SEMINAR, actor)


def invitations_sent(seminar: Seminar) -> set[int]:
    """The customers who have had this seminar's invitation."""
    return set(CareMessage.objects.filter(occasion=Occasion.SEMINAR, key=seminar.key)
               .values_list("customer_id", flat=True))


# --- answers and attendance ---------------------------------------------------------------------


def guest_answer(*, actor, guest: SeminarGuest, answer: str, note: str = "") -> SeminarGuest:
    """The customer's answer to the invitation (``answer``: "confirm" or "decline"): a yes
    takes a seat, refused once every seat is taken."""
    seminar = guest.seminar
    _require(may_answer(actor, guest))
    if answer not in ("confirm", "decline"):
        raise ValidationError({"answer": [_("Say whether the customer will come.")]})
    with transaction.atomic():
        # the seminar's row is the lock of its seats: two answers at once never overfill it
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        _require_state(seminar, SeminarState.PLANNED,
                       _("Answers are noted only before the seminar is held."))
        if answer == "confirm" and seminar.capacity is not None:
            taken = seminar.guests.filter(status=GuestStatus.CONFIRMED).count()
            if taken >= seminar.capacity:
                raise ValidationError({"answer": [
                    _("Every seat is taken (%(seats)s): add seats or note a decline first.")
                    % {"seats": seminar.capacity}]})
        guest = transition_apply(workflow=seminar_guest_workflow, instance=guest, name=answer,
                                 actor=actor, note=note, changes=_note(note))
    return guest


def _note(note: str) -> dict:
    note = (note or "").strip()[:300]
    return {"note": note} if note else {}


def seminar_hold(*, actor, seminar: Seminar, attended, walk_ins=(), summary: str = "") -> Seminar:
    """The seminar took place: ``attended`` (guest ids) came, every other guest did not;
    ``walk_ins``: customers who came without an invitation; ``summary``: what was said."""
    if not may_host(actor, seminar):
        raise PermissionDenied()
    attended = {int(pk) for pk in attended}
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        _require_state(seminar, SeminarState.PLANNED,
                       _("Only a planned seminar can be recorded as held."))
        if seminar.starts_at > timezone.now():
            raise ValidationError({"state": [
                _("The seminar has not begun yet: record it once it has taken place.")]})
        guests = list(seminar.guests.order_by("id"))
        unknown = attended - {g.pk for g in guests}
        if unknown:
            raise ValidationError({"attended": [_("Someone ticked is not a guest of this "
                                                  "seminar.")]})
        for guest in guests:
            transition_apply(workflow=seminar_guest_workflow, instance=guest, actor=actor,
                             name="attend" if guest.pk in attended else "miss")
        known = {g.customer_id for g in guests}
        for customer in {c.pk: c for c in walk_ins if c.pk not in known}.values():
            guest = SeminarGuest.objects.create(seminar=seminar, customer=customer,
                                                status=GuestStatus.ATTENDED, walk_in=True,
                                                invited_by=actor)
            event_append(subject=guest, action="walk_in", actor=actor,
                         to_state=GuestStatus.ATTENDED)
        return transition_apply(workflow=seminar_workflow, instance=seminar, name="hold",
                                actor=actor, changes={"summary": (summary or "").strip()},
                                data={"attended": seminar.guests.filter(
                                    status=GuestStatus.ATTENDED).count()})


def guest_attendance_correct(*, actor, guest: SeminarGuest, attended: bool) -> SeminarGuest:
    """After the seminar: a guest ticked wrongly is corrected (came / did not come)."""
    seminar = Seminar.objects.get(pk=guest.seminar_id)
    if not may_host(actor, seminar):
        raise PermissionDenied()
    _require_state(seminar, SeminarState.HELD,
                   _("Attendance is corrected only after the seminar is held."))
    name = "attend" if attended else "miss"
    guest.refresh_from_db(fields=["status"])
    if guest.status == seminar_guest_workflow.get(name).target:
        return guest
    return transition_apply(workflow=seminar_guest_workflow, instance=guest, name=name,
                            actor=actor, note=_("Attendance corrected."))


def seminar_summary_save(*, actor, seminar: Seminar, summary: str,
                         expected_version: int | None = None) -> Seminar:
    """What was said, written (or completed) after the seminar was held."""
    if not may_host(actor, seminar):
        raise PermissionDenied()
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        _require_state(seminar, SeminarState.HELD,
                       _("What was said is written once the seminar is held."))
        before = snapshot(seminar)
        seminar.summary = (summary or "").strip()
        version_bump(instance=seminar, expected_version=expected_version, fields=["summary"])
        change_log(actor=actor, instance=seminar, action="update", before=before)
        event_append(subject=seminar, action="summary_save", actor=actor)
    return seminar


def seminar_cancel(*, actor, seminar: Seminar, reason: str) -> tuple[Seminar, int]:
    """Cancel a planned seminar (an editor, with a reason): every guest still expected who had
    the invitation is told it is off. Returns the seminar and how many were told."""
    _require(may_plan(actor, seminar.service_centre_id))
    with transaction.atomic():
        seminar = transition_apply(workflow=seminar_workflow, instance=seminar, name="cancel",
                                   actor=actor, note=reason)
        told = invitations_sent(seminar)
        guests = (seminar.guests.filter(status__in=EXPECTED, customer_id__in=told)
                  .select_related("customer").order_by("id"))
        sent = _messages_send(seminar, guests, Occasion.SEMINAR_CANCELLED, actor)
    return seminar, sent
