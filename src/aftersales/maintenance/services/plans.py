"""Maintenance plans (PM-1), meter readings and the record of a done maintenance."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.workflow import version_bump
from aftersales.customers.models import InstalledProduct
from aftersales.service.choices import Kind
from aftersales.service.models import ServiceRequest
from aftersales.service.services import centre_local_date

from ..choices import Basis, ReadingSource
from ..models import PLAN_EDITORS, MaintenancePlan, MaintenanceVisit, MeterReading
from ..selectors import last_reading

PLAN_FIELDS = ("product_model", "name", "basis", "interval_months", "interval_meter", "meter_unit",
               "lead_meter", "items", "active")


def _require_editor(actor) -> None:
    if not (actor.is_superuser or actor.role in PLAN_EDITORS):
        raise PermissionDenied()


def _clean_plan(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors["name"] = [_("Name the maintenance level.")]
    if values.get("product_model") is None:
        errors["product_model"] = [_("Choose the product model.")]
    basis = values.get("basis") or Basis.TIME
    if basis not in Basis.values:
        errors["basis"] = [_("Choose by time or by meter.")]
    elif basis == Basis.TIME:
        if not values.get("interval_months") or values["interval_months"] < 1:
            errors["interval_months"] = [_("Enter how many months apart the visits are.")]
        values.update(interval_meter=None, meter_unit="", lead_meter=0)
    else:
        if not values.get("interval_meter") or values["interval_meter"] < 1:
            errors["interval_meter"] = [_("Enter how many hours or kilometres apart the visits are.")]
        if not values.get("meter_unit"):
            errors["meter_unit"] = [_("Choose hours or kilometres.")]
        lead = values.get("lead_meter") or 0
        if values.get("interval_meter") and lead >= values["interval_meter"]:
            errors["lead_meter"] = [_("Generate ahead by less than the interval.")]
        values.update(interval_months=None, lead_meter=lead)
    values["basis"] = basis
    if errors:
        raise ValidationError(errors)
    return values


def _name_clash() -> ValidationError:
    return ValidationError({"name": [_("This product model already has a plan of this name.")]})


def maintenance_plan_create(*, actor, **data) -> MaintenancePlan:
    _require_editor(actor)
    values = _clean_plan({k: v for k, v in data.items() if k in PLAN_FIELDS})
    try:
        with transaction.atomic():
            plan = MaintenancePlan.objects.create(**values)
            change_log(actor=actor, instance=plan, action="create")
    except IntegrityError:
        raise _name_clash() from None
    return plan


def maintenance_plan_update(*, actor, plan: MaintenancePlan, expected_version=None,
                            **data) -> MaintenancePlan:
    _require_editor(actor)
    changes = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    merged = _clean_plan({f: getattr(plan, f) for f in PLAN_FIELDS} | changes)
    changes = {k: merged[k] for k in PLAN_FIELDS if merged[k] != getattr(plan, k)}
    try:
        with transaction.atomic():
            before = snapshot(plan)
            for key, value in changes.items():
                setattr(plan, key, value)
            version_bump(instance=plan, expected_version=expected_version, fields=list(changes))
            change_log(actor=actor, instance=plan, action="update", before=before)
    except IntegrityError:
        raise _name_clash() from None
    return plan


def _reading_source(actor, product: InstalledProduct) -> str:
    """Who may read a product's meter: its owner (portal), the technician of one of its open
    jobs, the desk."""
    if actor.role == Role.CUSTOMER:
        if product.customer.user_id != actor.pk:
            raise PermissionDenied()
        return ReadingSource.CUSTOMER
    if actor.role == Role.TECHNICIAN:
        if not InstalledProduct.objects.restrict(actor).filter(pk=product.pk).exists():
            raise PermissionDenied()
        return ReadingSource.TECHNICIAN
    if actor.is_superuser or actor.role in {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}:
        return ReadingSource.DESK
    raise PermissionDenied()


def meter_reading_add(*, actor, product: InstalledProduct, value: int,
                      read_on: date | None = None) -> MeterReading:
    """Record the operating hours or kilometres of a product (PM-1); a meter never runs back.
    A reading that reaches a meter plan's next mark generates that visit (once)."""
    source = _reading_source(actor, product)
    read_on = read_on or local_today()
    errors: dict[str, list[str]] = {}
    if value is None or value < 0:
        errors["value"] = [_("Enter the meter reading.")]
    if read_on > local_today():
        errors["read_on"] = [_("A reading cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)
    from .generate import meter_visits_generate

    with transaction.atomic():
        # one writer per product at a time: readings stay in order
        InstalledProduct.objects.select_for_update().filter(pk=product.pk).first()
        previous = last_reading(product)
        if previous is not None and value < previous.value and read_on >= previous.read_on:
            raise ValidationError({"value": [
                _("The meter cannot run back: the last reading was %(value)s on %(day)s.")
                % {"value": previous.value, "day": previous.read_on.isoformat()}]})
        reading = MeterReading.objects.create(installed_product=product, value=value,
                                              read_on=read_on, source=source, recorded_by=actor)
        event_append(subject=product, action="meter_reading", actor=actor,
                     data={"value": value, "read_on": read_on.isoformat(), "source": source})
        meter_visits_generate(actor=actor, product=product, reading=reading)
    return reading


def maintenance_visit_record(*, actor, request: ServiceRequest) -> MaintenanceVisit | None:
    """A maintenance job is done: its visit records the day and the meter (PM-1: each done
    maintenance is in the product's file, with a certificate)."""
    if request.kind != Kind.MAINTENANCE:
        return None
    visit = MaintenanceVisit.objects.select_for_update().filter(request=request).first()
    if visit is None:
        return None
    reading = last_reading(request.installed_product) if request.installed_product else None
    visit.done_on = centre_local_date(request.completed_at or timezone.now(), request.service_centre)
    visit.meter_at_service = reading.value if reading is not None else None
    visit.version += 1
    visit.save(update_fields=["done_on", "meter_at_service", "version", "updated_at"])
    event_append(subject=request, action="maintenance_done", actor=actor,
                 data={"visit": visit.pk, "done_on": visit.done_on.isoformat()})
    return visit
