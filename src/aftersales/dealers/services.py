"""Every write of the dealer network (house style rule 1): keyword-only, ``actor=``, one
transaction, an event. DL-1…DL-3, DS-4, RP-4."""

import random
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.workflow import transition_apply, version_bump
from aftersales.dispatch.choices import ClockKind
from aftersales.dispatch.clocks import (
    clock_meet,
    clock_run_from,
    clocks_stop,
    deadline_from,
    policy_for,
)
from aftersales.parts.services import (
    dealer_order_create,
    dealer_part_issue,
    dealer_part_return,
    obligation_cancel_for_dealer_part,
    obligation_open_for_dealer_part,
)
from aftersales.service.choices import Status
from aftersales.service.services import service_request_dealer_complete, service_request_terms

from .choices import (
    OPEN_JOB_STATES,
    AuditOutcome,
    DealerState,
    JobKind,
    JobSource,
    JobState,
    ReportState,
)
from .models import (
    AuditSample,
    Dealer,
    DealerContract,
    DealerFee,
    DealerJob,
    DealerJobPart,
    DealerTraining,
    DealerUser,
    MonthlyReport,
    Region,
)
from .workflow import dealer_job_workflow as WF

HQ_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
NETWORK_ROLES = frozenset({Role.MANAGER, Role.ADMIN})  # who edits dealers, regions, contracts
REPORT_DUE_DAY = 3  # RP-4: last month's report by the 3rd
AUDIT_SAMPLE_SIZE = 3  # jobs drawn per dealer and month for call-back checks


def _require(actor, roles):
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied()


def _dealer_of(actor) -> Dealer | None:
    link = getattr(actor, "dealer_link", None)
    return link.dealer if link is not None else None


def _require_own_dealer(actor, dealer_id: int):
    """A dealer's login acts only for its own dealer; HQ acts for any."""
    if actor.is_superuser or actor.role == Role.ADMIN:
        return
    if actor.role != Role.DEALER or getattr(_dealer_of(actor), "pk", None) != dealer_id:
        raise PermissionDenied()


# --- regions, dealers, contracts, logins ------------------------------------------------------

def region_save(*, actor, code: str, name: str, places: str, region: Region | None = None,
                expected_version=None) -> Region:
    _require(actor, NETWORK_ROLES)
    code, name, places = (code or "").strip(), (name or "").strip(), (places or "").strip()
    errors = {}
    if not code:
        errors["code"] = [_("Enter a code.")]
    if not name:
        errors["name"] = [_("Enter a name.")]
    if not Region(places=places).keywords():
        errors["places"] = [_("Name at least one district or town of the region.")]
    clash = Region.objects.filter(code=code).exclude(pk=getattr(region, "pk", None))
    if code and clash.exists():
        errors["code"] = [_("Another region has this code.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if region is None:
            region = Region.objects.create(code=code, name=name, places=places)
            change_log(actor=actor, instance=region, action="create")
            return region
        before = snapshot(region)
        region.code, region.name, region.places = code, name, places
        version_bump(instance=region, expected_version=expected_version,
                     fields=["code", "name", "places"])
        change_log(actor=actor, instance=region, action="update", before=before)
    return region


DEALER_FIELDS = ("code", "name", "phone", "contact", "address")


def dealer_save(*, actor, code: str, name: str, phone: str = "", contact: str = "",
                address: str = "", service_centre=None, regions=(), dealer: Dealer | None = None,
                expected_version=None) -> Dealer:
    """Create or edit a dealer and the regions it serves."""
    _require(actor, NETWORK_ROLES)
    values = {"code": (code or "").strip(), "name": (name or "").strip(),
              "phone": (phone or "").strip(), "contact": (contact or "").strip(),
              "address": (address or "").strip()}
    errors = {}
    if not values["code"]:
        errors["code"] = [_("Enter a code.")]
    elif Dealer.objects.filter(code=values["code"]).exclude(pk=getattr(dealer, "pk", None)).exists():
        errors["code"] = [_("Another dealer has this code.")]
    if not values["name"]:
        errors["name"] = [_("Enter a name.")]
    regions = list(regions)
    if not regions:
        errors["regions"] = [_("Choose at least one region the dealer serves.")]
    if errors:
        raise ValidationError(errors)
    names = ", ".join(r.name for r in regions)[:100]
    with transaction.atomic():
        if dealer is None:
            dealer = Dealer.objects.create(service_centre=service_centre, region=names, **values)
            dealer.regions.set(regions)
            change_log(actor=actor, instance=dealer, action="create")
            event_append(subject=dealer, action="create", actor=actor, to_state=dealer.state)
            return dealer
        before = snapshot(dealer)
        for key, value in values.items():
            setattr(dealer, key, value)
        dealer.service_centre, dealer.region = service_centre, names
        version_bump(instance=dealer, expected_version=expected_version,
                     fields=[*DEALER_FIELDS, "service_centre", "region"])
        dealer.regions.set(regions)
        change_log(actor=actor, instance=dealer, action="update", before=before)
    return dealer


def dealer_state_set(*, actor, dealer: Dealer, state: str, note: str = "") -> Dealer:
    """Suspend a dealer (it gets no new jobs) or make it active again."""
    _require(actor, NETWORK_ROLES)
    if state not in DealerState.values:
        raise ValidationError({"state": [_("Unknown state.")]})
    if state == DealerState.SUSPENDED and not (note or "").strip():
        raise ValidationError({"note": [_("Give a reason for this step.")]})
    with transaction.atomic():
        locked = Dealer.objects.select_for_update().get(pk=dealer.pk)
        if locked.state == state:
            return locked
        previous, locked.state = locked.state, state
        version_bump(instance=locked, expected_version=locked.version, fields=["state"])
        event_append(subject=locked, action="state", actor=actor, from_state=previous,
                     to_state=state, note=note)
    return locked


def _money(raw, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter an amount such as 80 or 80.50.")]}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
        raise ValidationError({field: [_("Enter an amount such as 80 or 80.50.")]})
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def contract_save(*, actor, dealer: Dealer, number: str, starts_on: date, ends_on: date,
                  terms: str = "", fees: list[tuple[str, object]] = (),
                  contract: DealerContract | None = None) -> DealerContract:
    """The dealer's contract and its local fee schedule (the schedule is replaced as a whole)."""
    _require(actor, NETWORK_ROLES)
    number = (number or "").strip()
    errors = {}
    if not number:
        errors["number"] = [_("Enter the contract number.")]
    elif DealerContract.objects.filter(number=number).exclude(
            pk=getattr(contract, "pk", None)).exists():
        errors["number"] = [_("Another contract has this number.")]
    if starts_on is None:
        errors["starts_on"] = [_("Enter a date (YYYY-MM-DD).")]
    if ends_on is None:
        errors["ends_on"] = [_("Enter a date (YYYY-MM-DD).")]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The contract cannot end before it starts.")]
    lines, seen = [], set()
    for item, amount in fees:
        item = (item or "").strip()
        if not item and str(amount or "").strip() == "":
            continue
        if not item:
            errors["fees"] = [_("Every fee needs the service it is for.")]
            continue
        if item in seen:
            errors["fees"] = [_("“%(item)s” is listed twice.") % {"item": item}]
            continue
        seen.add(item)
        try:
            lines.append((item, _money(amount, "fees")))
        except ValidationError as error:
            errors["fees"] = error.message_dict["fees"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if contract is None:
            contract = DealerContract.objects.create(dealer=dealer, number=number,
                                                     starts_on=starts_on, ends_on=ends_on,
                                                     terms=(terms or "").strip())
            change_log(actor=actor, instance=contract, action="create")
        else:
            before = snapshot(contract)
            contract.number, contract.starts_on, contract.ends_on = number, starts_on, ends_on
            contract.terms = (terms or "").strip()
            version_bump(instance=contract, expected_version=contract.version,
                         fields=["number", "starts_on", "ends_on", "terms"])
            change_log(actor=actor, instance=contract, action="update", before=before)
            contract.fees.all().delete()
        DealerFee.objects.bulk_create([DealerFee(contract=contract, item=item, amount=amount)
                                       for item, amount in lines])
        event_append(subject=dealer, action="contract", actor=actor,
                     data={"number": number, "fees": len(lines)})
    return contract


def dealer_login_link(*, actor, dealer: Dealer, user) -> DealerUser:
    """Make ``user`` (role dealer) a login of ``dealer``."""
    _require(actor, NETWORK_ROLES)
    if user.role != Role.DEALER:
        raise ValidationError({"user": [_("Only a user with the dealer role can log in for a dealer.")]})
    with transaction.atomic():
        link, _created = DealerUser.objects.update_or_create(user=user, defaults={"dealer": dealer})
        change_log(actor=actor, instance=link, action="create")
        event_append(subject=dealer, action="login_link", actor=actor,
                     data={"user": user.pk, "username": user.username})
    return link


# --- jobs -------------------------------------------------------------------------------------

def customer_in_region(dealer: Dealer, customer) -> bool:
    """The customer's address names a place of one of the dealer's regions (the same test as
    ``Dealer.region_q``, without a query when the regions are prefetched)."""
    address = customer.address or ""
    return any(word in address for region in dealer.regions.all() for word in region.keywords())


def _notify_logins(dealer: Dealer, text: str, link: str) -> None:
    Notification.objects.bulk_create([
        Notification(user_id=user_id, text=text[:300], link=link)
        for user_id in dealer.logins.filter(user__is_active=True).values_list("user_id", flat=True)
    ])


def job_hand_to_dealer(*, actor, job, dealer: Dealer, note: str = "",
                       kind: str = JobKind.REPAIR) -> DealerJob:
    """Hand a registered service request (``job``) to a dealer of its customer's region; the
    dealer's 24-hour clock starts now (DS-4)."""
    _require(actor, HQ_ROLES)
    if actor.role == Role.SUPERVISOR and actor.service_centre_id != job.service_centre_id:
        raise PermissionDenied()
    errors = {}
    if not dealer.is_active:
        errors["dealer"] = [_("This dealer is suspended and takes no new jobs.")]
    elif not customer_in_region(dealer, job.customer):
        errors["dealer"] = [_("The customer's address is not in a region this dealer serves.")]
    if kind not in JobKind.values:
        errors["kind"] = [_("Unknown kind of job.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        request = type(job).objects.select_for_update().get(pk=job.pk)
        if request.status != Status.REGISTERED:
            raise ValidationError(_("Only a registered job that no technician has yet can be "
                                    "handed to a dealer."))
        try:
            with transaction.atomic():
                row = DealerJob.objects.create(
                    dealer=dealer, request=request, customer_id=request.customer_id, kind=kind,
                    source=JobSource.HANDED, description=request.description, handed_at=now,
                    handed_by=actor, note=(note or "").strip()[:300])
        except IntegrityError:
            raise ValidationError(_("This job is already with a dealer.")) from None
        # DS-4: the dealer's resolution clock runs from the hand-over (a call that came in
        # through a dealer has had it since registration and keeps it; one finished by an
        # earlier hand-over starts again); our own arrival clock stops.
        clock = clock_run_from(request=request, kind=ClockKind.RESOLUTION, at=now)
        row.due_at = clock.due_at if clock is not None else None
        row.save(update_fields=["due_at", "updated_at"])
        clocks_stop(request=request, kind=ClockKind.ARRIVAL, at=now)
        event_append(subject=request, action="hand_to_dealer", actor=actor, note=note,
                     from_state=request.status, to_state=request.status,
                     data={"dealer": dealer.pk, "dealer_name": dealer.name,
                           "due_at": row.due_at})
        event_append(subject=row, action="hand_over", actor=actor, to_state=row.state, note=note)
        _notify_logins(dealer, _("Job %(number)s handed to you: %(customer)s")
                       % {"number": request.number, "customer": request.customer.name},
                       f"/dealers/jobs/{row.pk}/")
    return row


def dealer_job_record(*, actor, dealer: Dealer, customer, description: str,
                      kind: str = JobKind.REPAIR, reference: str = "",
                      received_at: datetime | None = None) -> DealerJob:
    """A call the dealer took itself (DL-1), recorded for the maker (DL-2); its 24 hours run
    from when the dealer took it."""
    _require_own_dealer(actor, dealer.pk)
    now = timezone.now()
    received_at = received_at or now
    errors = {}
    if not (description or "").strip():
        errors["description"] = [_("Describe what is wrong.")]
    if kind not in JobKind.values:
        errors["kind"] = [_("Unknown kind of job.")]
    if received_at > now + timedelta(minutes=1):
        errors["received_at"] = [_("A call cannot be reported in the future.")]
    elif received_at < now - timedelta(days=31):
        errors["received_at"] = [_("A call can be dated back by a month at most.")]
    if not dealer.is_active:
        errors["dealer"] = [_("This dealer is suspended and takes no new jobs.")]
    elif not customer_in_region(dealer, customer):
        errors["customer"] = [_("The customer's address is not in a region this dealer serves.")]
    if errors:
        raise ValidationError(errors)
    policy = policy_for(ClockKind.RESOLUTION)
    due = deadline_from(policy, received_at, dealer.service_centre) if policy else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = DealerJob.objects.create(
                    dealer=dealer, customer=customer, kind=kind, source=JobSource.OWN,
                    description=description.strip(), reference=(reference or "").strip()[:60],
                    handed_at=received_at, handed_by=actor, due_at=due, accepted_at=received_at,
                    state=JobState.ACCEPTED)
        except IntegrityError:
            raise ValidationError({"reference": [_("A job with this reference was already sent.")]}) from None
        event_append(subject=row, action="record", actor=actor, to_state=row.state)
    return row


def dealer_job_accept(*, actor, job: DealerJob) -> DealerJob:
    _require_own_dealer(actor, job.dealer_id)
    return transition_apply(workflow=WF, instance=job, name="accept", actor=actor,
                            changes={"accepted_at": timezone.now()})


def dealer_job_complete(*, actor, job: DealerJob, fault_found: str, fault_cause: str,
                        action_taken: str, confirmed_by: str, rating=None, parts=(),
                        installed_product=None) -> DealerJob:
    """DL-2: the dealer records the repair (fault → cause → action) and the customer confirms
    it; the request's dealer clock is met. ``parts``: (part, quantity) pairs the dealer fitted;
    each leaves its stock place, and a free one owes its faulty part back (PT-1, PT-3).
    ``installed_product``: the unit a call the dealer took itself was about (its warranty
    decides whether the parts are free; a job we handed over has its request's)."""
    _require_own_dealer(actor, job.dealer_id)
    values = {"fault_found": fault_found, "fault_cause": fault_cause,
              "action_taken": action_taken, "confirmed_by": confirmed_by}
    errors = {key: [_("This field is required.")] for key, value in values.items()
              if not (value or "").strip()}
    if rating not in (None, ""):
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 4:
            errors["rating"] = [_("A rating is 1 to 4.")]
    else:
        rating = None
    product_changes = {}
    if installed_product is not None:
        if job.request_id:
            errors["installed_product"] = [_("The service request names the product of a job "
                                             "we handed over.")]
        elif installed_product.customer_id != job.customer_id:
            errors["installed_product"] = [_("This product belongs to another customer.")]
        else:
            product_changes["installed_product"] = installed_product
    try:
        lines = _fitted_parts_clean(parts)
    except ValidationError as error:
        errors["parts"] = error.messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        changes = {key: value.strip() for key, value in values.items()}
        done = transition_apply(
            workflow=WF, instance=job, name="complete", actor=actor,
            changes={**changes, "rating": rating, "completed_at": now, **product_changes},
            data={"parts": [{"part": part.code, "quantity": quantity}
                            for part, quantity in lines]} if lines else None)
        _fitted_parts_record(actor=actor, job=done, lines=lines)
        if done.request_id:
            clock = clock_meet(request_id=done.request_id, kind=ClockKind.RESOLUTION, at=now)
            if clock is not None:
                if clock.due_at and clock.due_at != done.due_at:  # extended meanwhile
                    done.due_at = clock.due_at
                    done.save(update_fields=["due_at", "updated_at"])
            request = done.request
            if request.status == Status.REGISTERED:  # the request itself is done too
                service_request_dealer_complete(
                    actor=actor, request=request, fault_found=changes["fault_found"],
                    fault_cause=changes["fault_cause"], action_taken=changes["action_taken"],
                    data={"dealer": done.dealer_id, "confirmed_by": changes["confirmed_by"],
                          "rating": rating})
            else:
                event_append(subject=request, action="dealer_complete", actor=actor,
                             data={"dealer": done.dealer_id, **changes, "rating": rating})
    return done


FITTED_PART_MAX = 999  # of one part on one job


def _fitted_parts_clean(parts) -> list[tuple]:
    """The (part, quantity) pairs of a completion, checked: parts on the price list, each once,
    a whole number from 1; in the order of the parts' ids, so that two completions drawing on
    the same parts lock their stock rows in one order."""
    lines, seen, errors = [], set(), []
    for part, quantity in parts:
        if part.pk in seen:
            errors.append(_("“%(item)s” is listed twice.") % {"item": part.code})
            continue
        seen.add(part.pk)
        if not part.active:
            errors.append(_("%(part)s is no longer on the price list.") % {"part": part.code})
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            quantity = 0
        if not 1 <= quantity <= FITTED_PART_MAX:
            errors.append(_("The quantity of %(part)s must be 1 to %(n)d.")
                          % {"part": part.code, "n": FITTED_PART_MAX})
        lines.append((part, quantity))
    if errors:
        raise ValidationError(errors)
    return sorted(lines, key=lambda line: line[0].pk)


def fitted_parts_charged(job: DealerJob) -> bool:
    """PT-1 for a dealer's part, as for a technician's (``service.part_add`` takes its request's
    ``chargeable``): a job we handed over follows its request; the dealer's own call is decided
    as a request for its unit would be on the day it took the call (the unit's warranty, then a
    maintenance contract: ``service_request_terms``); no unit named, the parts are charged."""
    if job.request_id:
        return job.request.chargeable
    return service_request_terms(product=job.installed_product, reported_at=job.handed_at,
                                 centre=job.dealer.service_centre).chargeable


def _fitted_parts_record(*, actor, job: DealerJob, lines) -> None:
    """The lines of a completed job, in its transaction: each leaves the dealer's stock place
    (refused with what is there when it is not enough: nothing is saved), and a free one owes
    its faulty part back, by the dealer."""
    if not lines:
        return
    charged = fitted_parts_charged(job)
    for part, quantity in lines:
        line = DealerJobPart.objects.create(job=job, part=part, quantity=quantity,
                                            unit_price=part.unit_price, charged=charged)
        change_log(actor=actor, instance=line, action="create")
        try:
            dealer_part_issue(actor=actor, dealer=job.dealer, line=line, request=job.request)
        except ValidationError as error:  # not enough in the dealer's stock
            raise ValidationError({"parts": error.messages}) from None
        obligation_open_for_dealer_part(actor=actor, dealer=job.dealer, line=line,
                                        request=job.request)


# --- parts ordered from the maker (PT-1) ------------------------------------------------------

def dealer_parts_order(*, actor, lines, job: DealerJob | None = None, note: str = ""):
    """The dealer's login orders parts from the maker into its stock place: for an open job of
    its — free when the job's parts are (``fitted_parts_charged``: in warranty) — or for its
    stock, charged at cost. The order itself is parts' (``parts.services.dealer_order_create``:
    a material request from the central warehouse, paid before it ships when charged)."""
    dealer = _dealer_of(actor) if getattr(actor, "role", None) == Role.DEALER else None
    if dealer is None:
        raise PermissionDenied(_("Only a dealer's login orders parts."))
    chargeable, request = True, None
    if job is not None:
        if job.dealer_id != dealer.pk:
            raise PermissionDenied()
        if job.state not in OPEN_JOB_STATES:
            raise ValidationError({"job": [
                _("Job %(job)s is no longer open: order the parts for stock instead.")
                % {"job": job}]})
        chargeable, request = fitted_parts_charged(job), job.request
    return dealer_order_create(actor=actor, dealer=dealer, lines=lines, chargeable=chargeable,
                               request=request, dealer_job=job, note=note)


# --- a completed job's parts, corrected ------------------------------------------------------

def job_parts_correctable(job: DealerJob) -> bool:
    """A completed job's parts may be corrected until the dealer has reported the month it was
    completed in (the monthly report counts the parts replaced)."""
    if job.state != JobState.COMPLETED or job.completed_at is None:
        return False
    return not _month_report(job).filter(state=ReportState.SUBMITTED).exists()


def _month_report(job: DealerJob):
    month = month_start(timezone.localdate(job.completed_at))
    return MonthlyReport.objects.filter(dealer_id=job.dealer_id, month=month)


def _correction_begin(actor, job: DealerJob, reason: str) -> tuple[DealerJob, str]:
    """In the correction's transaction: the job's row and its month's report locked (a report
    sent at the same moment counts the parts as corrected, or the correction is refused)."""
    _require_own_dealer(actor, job.dealer_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the parts are corrected.")]})
    job = (DealerJob.objects.select_for_update(of=("self",)).select_related("request", "dealer")
           .get(pk=job.pk))
    if job.completed_at is not None:
        list(_month_report(job).select_for_update())  # the month's report, if opened, locked
    if not job_parts_correctable(job):
        raise ValidationError(_("The parts of this job can no longer be corrected: it is not "
                                "completed, or its month has been reported."))
    return job, reason


def _correction_end(job: DealerJob) -> None:
    """The month's report, opened and not yet sent, starts from the corrected parts."""
    report = _month_report(job).first()
    if report is not None:
        report.parts_replaced = _month_counts(job.dealer, report.month)["parts_replaced"]
        report.save(update_fields=["parts_replaced", "updated_at"])


def dealer_job_part_add(*, actor, job: DealerJob, part, quantity, reason: str) -> DealerJobPart:
    """A part the dealer fitted but forgot to record at completion: it leaves the dealer's stock
    now, as it would have then (free or charged as the job decides; a free one owes its faulty
    part back)."""
    try:
        lines = _fitted_parts_clean([(part, quantity)])
    except ValidationError as error:
        raise ValidationError({"parts": error.messages}) from None
    with transaction.atomic():
        job, reason = _correction_begin(actor, job, reason)
        if job.parts.filter(part=part).exists():
            raise ValidationError({"parts": [
                _("%(part)s is on this job already: take that line off and add it again with "
                  "the right quantity.") % {"part": part.code}]})
        _fitted_parts_record(actor=actor, job=job, lines=lines)
        event_append(subject=job, action="part_add", actor=actor, note=reason,
                     data={"part": part.code, "quantity": lines[0][1]})
        _correction_end(job)
    return job.parts.get(part=part)


def dealer_job_part_take_off(*, actor, line: DealerJobPart, reason: str) -> None:
    """A part recorded on a completed job by mistake: it goes back into the dealer's stock place
    and the faulty part it owed is owed no more — refused once that part has been sent back (it
    happened). The line is removed; the stock ledger keeps the issue and its return."""
    with transaction.atomic():
        job, reason = _correction_begin(actor, line.job, reason)
        line = DealerJobPart.objects.select_related("part").filter(pk=line.pk, job=job).first()
        if line is None:
            raise ValidationError(_("This part is no longer on the job."))
        obligation_cancel_for_dealer_part(actor=actor, line=line)
        dealer_part_return(actor=actor, line=line, request=job.request)
        event_append(subject=job, action="part_take_off", actor=actor, note=reason,
                     data={"part": line.part.code, "quantity": line.quantity})
        change_log(actor=actor, instance=line, action="delete", before=snapshot(line))
        line.delete()
        _correction_end(job)


def dealer_job_withdraw(*, actor, job: DealerJob, note: str) -> DealerJob:
    """HQ takes a job back from the dealer (wrong region, dealer cannot come); its dealer
    clock stops and the request is the desk's again."""
    if actor.role == Role.SUPERVISOR and job.request_id and \
            actor.service_centre_id != job.request.service_centre_id:
        raise PermissionDenied()
    with transaction.atomic():
        done = transition_apply(workflow=WF, instance=job, name="withdraw", actor=actor, note=note)
        if done.request_id:
            clocks_stop(request=done.request, kind=ClockKind.RESOLUTION, at=timezone.now())
            event_append(subject=done.request, action="dealer_withdraw", actor=actor, note=note,
                         data={"dealer": done.dealer_id})
    return done


# --- monthly reports (DL-3, RP-4) -------------------------------------------------------------

def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def monthly_reports_open(*, today: date | None = None) -> int:
    """Make last month's report row of every active dealer (once: unique per dealer and month).
    The counts start from what the dealer's jobs say — installations, repairs and the parts it
    fitted on them; the dealer corrects and submits them."""
    today = today or local_today()
    month = previous_month(today)
    due_on = month_start(today).replace(day=REPORT_DUE_DAY)
    made = 0
    for dealer in Dealer.objects.filter(state=DealerState.ACTIVE):
        if MonthlyReport.objects.filter(dealer=dealer, month=month).exists():
            continue
        counts = _month_counts(dealer, month)
        try:
            with transaction.atomic():
                MonthlyReport.objects.create(dealer=dealer, month=month, due_on=due_on, **counts)
        except IntegrityError:
            continue  # another run made it
        made += 1
    return made


def _month_counts(dealer: Dealer, month: date) -> dict:
    end = (month + timedelta(days=32)).replace(day=1)
    done = DealerJob.objects.filter(dealer=dealer, state=JobState.COMPLETED,
                                    completed_at__date__gte=month, completed_at__date__lt=end)
    fitted = DealerJobPart.objects.filter(job__in=done).aggregate(n=Sum("quantity"))["n"]
    return {"installs": done.filter(kind=JobKind.INSTALL).count(),
            "repairs": done.filter(kind=JobKind.REPAIR).count(),
            "parts_replaced": fitted or 0}


def monthly_report_submit(*, actor, report: MonthlyReport, installs, repairs, follow_ups=0,
                          training=0, parts_replaced=0, note: str = "") -> MonthlyReport:
    """The dealer sends its month (once; a correction after that goes through HQ)."""
    _require_own_dealer(actor, report.dealer_id)
    numbers = {"installs": installs, "repairs": repairs, "follow_ups": follow_ups,
               "training": training, "parts_replaced": parts_replaced}
    errors, clean = {}, {}
    for key, value in numbers.items():
        try:
            clean[key] = int(value)
            if not 0 <= clean[key] <= 1_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors[key] = [_("Enter a whole number, 0 or more.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if locked.state == ReportState.SUBMITTED:
            raise ValidationError(_("This report was already submitted."))
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.note = (note or "").strip()
        locked.state, locked.submitted_at, locked.submitted_by = (
            ReportState.SUBMITTED, timezone.now(), actor)
        locked.version += 1
        locked.save()
        event_append(subject=locked, action="submit", actor=actor, from_state=ReportState.DUE,
                     to_state=ReportState.SUBMITTED, data=clean)
    return locked


def _hq_users():
    from aftersales.accounts.models import User

    return User.objects.filter(role=Role.MANAGER, is_active=True)


def reports_remind(*, today: date | None = None) -> dict:
    """Daily: open last month's rows; before the due day, remind the dealer's logins once; after
    it, tell the service department once that the report is overdue. Each notice is claimed with
    a conditional update, so two runs at once send it once."""
    today = today or local_today()
    monthly_reports_open(today=today)
    now = timezone.now()
    sent = {"reminded": 0, "overdue": 0}
    due = MonthlyReport.objects.filter(state=ReportState.DUE).select_related("dealer")
    for report in due.filter(reminded_at__isnull=True, due_on__gte=today):
        with transaction.atomic():
            if not MonthlyReport.objects.filter(pk=report.pk, reminded_at__isnull=True).update(
                    reminded_at=now):
                continue
            _notify_logins(report.dealer,
                           _("Your report for %(month)s is due by %(due)s.")
                           % {"month": f"{report.month:%Y-%m}", "due": f"{report.due_on:%m-%d}"},
                           f"/dealers/reports/{report.pk}/")
        sent["reminded"] += 1
    for report in due.filter(overdue_noticed_at__isnull=True, due_on__lt=today):
        with transaction.atomic():
            if not MonthlyReport.objects.filter(pk=report.pk,
                                                overdue_noticed_at__isnull=True).update(
                    overdue_noticed_at=now):
                continue
            text = (_("%(dealer)s has not sent its report for %(month)s (due %(due)s).")
                    % {"dealer": report.dealer.name, "month": f"{report.month:%Y-%m}",
                       "due": f"{report.due_on:%m-%d}"})
            Notification.objects.bulk_create([
                Notification(user=user, text=text[:300], link="/dealers/reports/?state=overdue",
                             level="warning") for user in _hq_users()])
            event_append(subject=report, action="overdue", data={"due_on": report.due_on})
        sent["overdue"] += 1
    return sent


# --- HQ audit (DL-3) --------------------------------------------------------------------------

def audit_sample_draw(*, actor, month: date, size: int = AUDIT_SAMPLE_SIZE,
                      rng: random.Random | None = None) -> list[AuditSample]:
    """Draw ``size`` completed jobs of each dealer in ``month`` for call-back checks (jobs drawn
    before stay; drawing again adds only up to ``size`` per dealer)."""
    _require(actor, NETWORK_ROLES | {Role.SUPERVISOR})
    rng = rng or random.SystemRandom()
    month = month_start(month)
    end = (month + timedelta(days=32)).replace(day=1)
    now = timezone.now()
    drawn = []
    with transaction.atomic():
        jobs = (DealerJob.objects.select_for_update()
                .filter(state=JobState.COMPLETED, completed_at__date__gte=month,
                        completed_at__date__lt=end))
        by_dealer: dict[int, list[DealerJob]] = {}
        for job in jobs.order_by("pk"):
            by_dealer.setdefault(job.dealer_id, []).append(job)
        taken = set(AuditSample.objects.filter(month=month).values_list("job_id", flat=True))
        for rows in by_dealer.values():
            have = sum(1 for job in rows if job.pk in taken)
            free = [job for job in rows if job.pk not in taken]
            for job in rng.sample(free, max(0, min(size - have, len(free)))):
                drawn.append(AuditSample.objects.create(job=job, month=month, drawn_at=now))
        if drawn:
            for sample in drawn:
                event_append(subject=sample.job, action="audit_draw", actor=actor)
    return drawn


def audit_sample_record(*, actor, sample: AuditSample, outcome: str, note: str = "") -> AuditSample:
    _require(actor, NETWORK_ROLES | {Role.SUPERVISOR, Role.AGENT})
    if outcome not in AuditOutcome.values or outcome == AuditOutcome.PENDING:
        raise ValidationError({"outcome": [_("Choose what the customer said.")]})
    if outcome == AuditOutcome.DISPUTED and not (note or "").strip():
        raise ValidationError({"note": [_("Say what the customer disputes.")]})
    with transaction.atomic():
        locked = AuditSample.objects.select_for_update().get(pk=sample.pk)
        previous = locked.outcome
        locked.outcome, locked.note = outcome, (note or "").strip()[:300]
        locked.checked_at, locked.checked_by = timezone.now(), actor
        locked.version += 1
        locked.save()
        event_append(subject=locked.job, action="audit_check", actor=actor, from_state=previous,
                     to_state=outcome, note=note)
    return locked


TRAINING_MAX_ATTENDEES = 1000


def training_record(*, actor, dealer: Dealer, held_on: date, topic: str, attendees,
                    trainer: str = "", note: str = "") -> DealerTraining:
    """DL-1, AR-5: a training the maker gave the dealer's people (the service department)."""
    _require(actor, NETWORK_ROLES)
    topic, trainer, note = (topic or "").strip(), (trainer or "").strip(), (note or "").strip()
    errors = {}
    if not topic:
        errors["topic"] = [_("Name what the training was about.")]
    if held_on is None:
        errors["held_on"] = [_("Enter the day of the training.")]
    elif held_on > local_today():
        errors["held_on"] = [_("Record a training once it has been held.")]
    try:
        attendees = int(attendees)
    except (TypeError, ValueError):
        attendees = 0
    if not 1 <= attendees <= TRAINING_MAX_ATTENDEES:
        errors["attendees"] = [_("Enter how many people took part (1 to %(n)d).")
                               % {"n": TRAINING_MAX_ATTENDEES}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        training = DealerTraining.objects.create(
            dealer=dealer, held_on=held_on, topic=topic[:200], trainer=trainer[:100],
            attendees=attendees, note=note, recorded_by=actor)
        event_append(subject=dealer, action="training_record", actor=actor,
                     data={"training": training.pk, "held_on": held_on.isoformat(),
                           "attendees": attendees})
    return training
