"""Every write to customers, product models, installed products and contracts (rule 1)."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES, Role
from aftersales.accounts.models import User
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import add_months, local_today, warranty_end
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, PermissionDenied, StaleWrite
from aftersales.core.handlers import react
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.models import Notification
from aftersales.core.numbering import number_assign, placeholder
from aftersales.core.validators import phone_normalize
from aftersales.core.workflow import version_bump

from .choices import FaultCause, LostReason, RenewalOutcome, contract_default_excluded
from .models import (
    ContractRenewal,
    Customer,
    InstalledProduct,
    MaintenanceContract,
    ProductModel,
    renewal_due_on,
)
from .selectors import customer_mobile, message_language

CUSTOMER_FIELDS = ("name", "phone", "phone_alt", "email", "address", "region_kind", "kind",
                   "birthday", "language", "referred_by", "service_centre", "lat", "lon")
PRODUCT_MODEL_FIELDS = ("code", "name", "category", "warranty_months", "service_fee")
INSTALLED_FIELDS = ("customer", "model", "serial", "purchased_on", "installed_on", "dealer", "address",
                    "region_kind")


def _require(user, allowed: bool):
    if not allowed:
        raise PermissionDenied()


def _clean_customer(data: dict) -> dict:
    errors = {}
    cleaned = dict(data)
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("Enter the customer's name.")]
    for field in ("phone", "phone_alt"):
        if field in data and (data[field] or field == "phone"):
            try:
                cleaned[field] = phone_normalize(data[field])
            except ValidationError as exc:
                errors[field] = exc.messages
    if data.get("birthday") and data["birthday"] > local_today():
        errors["birthday"] = [_("A birthday cannot be in the future.")]
    if "language" in data:
        cleaned["language"] = (data["language"] or "").strip().lower()
        if cleaned["language"] and cleaned["language"] not in dict(settings.LANGUAGES):
            errors["language"] = [_("Choose one of the offered languages, or leave it empty "
                                    "for the company's default.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def customer_create(*, actor, **data) -> Customer:
    _require(actor, actor.is_superuser or actor.role in DESK_ROLES)
    cleaned = _clean_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    with transaction.atomic():
        customer = Customer.objects.create(**cleaned)
        change_log(actor=actor, instance=customer, action="create")
    return customer


def customer_update(*, actor, customer: Customer, expected_version: int | None = None,
                    **data) -> Customer:
    _require(actor, actor.is_staff_role or getattr(customer, "user_id", None) == actor.pk)
    cleaned = _clean_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    with transaction.atomic():
        before = snapshot(customer)
        for key, value in cleaned.items():
            setattr(customer, key, value)
        version_bump(instance=customer, expected_version=expected_version, fields=list(cleaned))
        change_log(actor=actor, instance=customer, action="update", before=before)
    return customer


def _clean_product_model(data: dict) -> dict:
    errors = {}
    if "warranty_months" in data and not (0 <= int(data["warranty_months"]) <= 240):
        errors["warranty_months"] = [_("Warranty must be between 0 and 240 months.")]
    if "service_fee" in data and data["service_fee"] is not None and data["service_fee"] < 0:
        errors["service_fee"] = [_("A fee cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    return data


def product_model_create(*, actor, **data) -> ProductModel:
    _require(actor, actor.is_superuser or actor.role in {"admin", "manager"})
    cleaned = _clean_product_model({k: v for k, v in data.items() if k in PRODUCT_MODEL_FIELDS})
    if ProductModel.objects.filter(code=cleaned.get("code")).exists():
        raise ValidationError({"code": [_("A model with this code already exists.")]})
    with transaction.atomic():
        model = ProductModel.objects.create(**cleaned)
        change_log(actor=actor, instance=model, action="create")
    return model


def product_model_update(*, actor, product_model: ProductModel,
                         expected_version: int | None = None, **data) -> ProductModel:
    _require(actor, actor.is_superuser or actor.role in {"admin", "manager"})
    cleaned = _clean_product_model({k: v for k, v in data.items() if k in PRODUCT_MODEL_FIELDS})
    if "code" in cleaned and ProductModel.objects.filter(code=cleaned["code"]).exclude(
        pk=product_model.pk
    ).exists():
        raise ValidationError({"code": [_("A model with this code already exists.")]})
    with transaction.atomic():
        before = snapshot(product_model)
        for key, value in cleaned.items():
            setattr(product_model, key, value)
        version_bump(instance=product_model, expected_version=expected_version, fields=list(cleaned))
        change_log(actor=actor, instance=product_model, action="update", before=before)
        if "warranty_months" in cleaned and cleaned["warranty_months"] != before["warranty_months"]:
            _warranty_recompute(product_model)
    return product_model


def _warranty_recompute(product_model: ProductModel, batch: int = 2000) -> None:
    """AR-2: the warranty length is the catalogue's; its units follow a corrected catalogue."""
    units = InstalledProduct.objects.filter(model=product_model).only("pk", "purchased_on",
                                                                       "replaced_on")
    changed = []
    for unit in units.iterator(chunk_size=batch):
        unit.warranty_ends_on = warranty_end(unit.warranty_from, product_model.warranty_months)
        changed.append(unit)
        if len(changed) >= batch:
            InstalledProduct.objects.bulk_update(changed, ["warranty_ends_on"])
            changed.clear()
    InstalledProduct.objects.bulk_update(changed, ["warranty_ends_on"])


def _clean_installed(values: dict, *, exclude_pk=None) -> None:
    errors: dict[str, list[str]] = {}
    purchased: date | None = values.get("purchased_on")
    installed: date | None = values.get("installed_on")
    today = local_today()
    if purchased and purchased > today:
        errors["purchased_on"] = [_("The purchase date cannot be in the future.")]
    if installed and purchased and installed < purchased:
        errors["installed_on"] = [_("Installation cannot be before the purchase date.")]
    if installed and installed > today:
        errors["installed_on"] = [_("The installation date cannot be in the future.")]
    serial = (values.get("serial") or "").strip()
    if not serial:
        errors["serial"] = [_("Enter the serial number.")]
    elif values.get("model") is not None:
        clash = InstalledProduct.objects.filter(model=values["model"], serial=serial)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["serial"] = [
                _("Serial %(serial)s is already registered for model %(model)s.")
                % {"serial": serial, "model": values["model"].code}
            ]
    if errors:
        raise ValidationError(errors)


def _serial_clash(exc: IntegrityError) -> ValidationError:
    return ValidationError({"serial": [_("This serial is already registered for this model.")]})


def installed_product_register(*, actor, **data) -> InstalledProduct:
    values = {k: v for k, v in data.items() if k in INSTALLED_FIELDS}
    customer = values.get("customer")
    _require(actor, actor.is_staff_role or (customer is not None and customer.user_id == actor.pk))
    if isinstance(values.get("serial"), str):
        values["serial"] = values["serial"].strip()
    _clean_installed(values)
    values["warranty_ends_on"] = warranty_end(values["purchased_on"], values["model"].warranty_months)
    try:
        with transaction.atomic():
            product = InstalledProduct.objects.create(**values)
            change_log(actor=actor, instance=product, action="create")
    except IntegrityError as exc:
        raise _serial_clash(exc) from None
    return product


def installed_product_update(*, actor, product: InstalledProduct,
                             expected_version: int | None = None, **data) -> InstalledProduct:
    _require(actor, actor.is_staff_role)
    changes = {k: v for k, v in data.items() if k in INSTALLED_FIELDS}
    merged = {f: getattr(product, f) for f in INSTALLED_FIELDS} | changes
    _clean_installed(merged, exclude_pk=product.pk)
    if "purchased_on" in changes or "model" in changes:
        changes["warranty_ends_on"] = warranty_end(product.replaced_on or merged["purchased_on"],
                                                   merged["model"].warranty_months)
    try:
        with transaction.atomic():
            before = snapshot(product)
            for key, value in changes.items():
                setattr(product, key, value)
            version_bump(instance=product, expected_version=expected_version, fields=list(changes))
            change_log(actor=actor, instance=product, action="update", before=before)
    except IntegrityError as exc:
        raise _serial_clash(exc) from None
    return product


def installed_product_replace(*, actor, product: InstalledProduct, day: date,
                              serial: str = "", reference: str = "") -> InstalledProduct:
    """A 三包 replacement gave the customer a new unit on ``day``: its warranty counts again
    from that day (the national 三包 rules), and the product carries the new unit's serial if it
    is given. The product stays the same row, with its requests, contracts and history; an event
    names the old and new serial and ``reference`` (the outcome)."""
    _require(actor, actor.is_staff_role)
    serial = (serial or "").strip()[:60] or product.serial
    merged = {f: getattr(product, f) for f in INSTALLED_FIELDS} | {"serial": serial}
    _clean_installed(merged, exclude_pk=product.pk)
    old_serial = product.serial
    try:
        with transaction.atomic():
            before = snapshot(product)
            product.serial, product.replaced_on = serial, day
            product.warranty_ends_on = warranty_end(day, product.model.warranty_months)
            version_bump(instance=product, expected_version=None,
                         fields=["serial", "replaced_on", "warranty_ends_on"])
            change_log(actor=actor, instance=product, action="update", before=before)
            event_append(subject=product, action="replaced", actor=actor, note=reference,
                         data={"old_serial": old_serial, "serial": serial,
                               "day": day.isoformat(),
                               "warranty_ends_on": product.warranty_ends_on.isoformat()})
    except IntegrityError as exc:
        raise _serial_clash(exc) from None
    return product


def installed_product_installed(*, actor, product: InstalledProduct, day) -> InstalledProduct:
    """The product's installation date, set by the acceptance of its installation job (AR-3).
    The caller has checked that ``actor`` (a technician, or the dealer who installed it) may
    complete that job; this records who did, and does not open the product's other fields."""
    with transaction.atomic():
        before = snapshot(product)
        product.installed_on = day
        version_bump(instance=product, expected_version=None, fields=["installed_on"])
        change_log(actor=actor, instance=product, action="update", before=before)
    return product


# --- maintenance contracts (AR-6, SR-2 B) -------------------------------------------------------

CONTRACT_FIELDS = ("products", "starts_on", "ends_on", "fee", "excluded_causes", "responsible",
                   "note")
CONTRACT_PREFIX = "HT"


def _may_manage_contracts(actor) -> bool:
    return bool(actor.is_superuser or actor.role in DESK_ROLES)


def _clean_contract(customer: Customer, values: dict) -> dict:
    """Period, fee, products (only the customer's own), causes, responsible person."""
    errors: dict[str, list] = {}
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is None:
        errors["starts_on"] = [_("Enter the day the contract starts.")]
    if ends_on is None:
        errors["ends_on"] = [_("Enter the day the contract ends.")]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The contract cannot end before it starts.")]
    fee = values.get("fee")
    if fee is None:
        errors["fee"] = [_("Enter the contract's fee.")]
    else:
        try:
            fee = Decimal(str(fee))
        except (InvalidOperation, ValueError):
            fee = None
        if fee is None or not fee.is_finite():
            errors["fee"] = [_("Enter an amount.")]
        elif fee < 0:
            errors["fee"] = [_("A fee cannot be negative.")]
        elif fee >= Decimal("1e8"):
            errors["fee"] = [_("The fee is too large.")]
        else:
            values["fee"] = fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    products = list(values.get("products") or [])
    if not products:
        errors["products"] = [_("Choose at least one product the contract covers.")]
    elif any(p.customer_id != customer.pk for p in products):
        errors["products"] = [_("Every product covered must belong to the customer.")]
    values["products"] = products
    causes = values.get("excluded_causes")
    if causes is None:
        values["excluded_causes"] = contract_default_excluded()
    else:
        known = set(FaultCause.values)
        unknown = [c for c in causes if c not in known]
        if unknown:
            errors["excluded_causes"] = [_("Unknown cause: %(cause)s.") % {"cause": unknown[0]}]
        values["excluded_causes"] = sorted({str(c) for c in causes if c in known},
                                           key=FaultCause.values.index)
    responsible = values.get("responsible")
    if responsible is not None and not (responsible.is_active and responsible.role in DESK_ROLES):
        errors["responsible"] = [_("The responsible person must be an active desk user.")]
    if errors:
        raise ValidationError(errors)
    return values


def contract_create(*, actor, customer: Customer, products, starts_on: date, ends_on: date,
                    fee, excluded_causes=None, responsible=None, note: str = "",
                    previous: MaintenanceContract | None = None) -> MaintenanceContract:
    """A new maintenance contract, numbered HT + YYMM of its start + serial (gap-free), with an
    event on its timeline. ``previous``: the contract it renews (linked both ways)."""
    _require(actor, _may_manage_contracts(actor))
    values = _clean_contract(customer, {
        "products": products, "starts_on": starts_on, "ends_on": ends_on, "fee": fee,
        "excluded_causes": excluded_causes, "responsible": responsible, "note": note or ""})
    if previous is not None and previous.customer_id != customer.pk:
        raise ValidationError({"previous": [_("A renewal is for the same customer.")]})
    products = values.pop("products")
    try:
        with transaction.atomic():
            contract = MaintenanceContract.objects.create(
                number=placeholder(), customer=customer, previous=previous, **values)
            contract.products.set(products)
            number_assign(contract, doc_type="contract", prefix=CONTRACT_PREFIX)
            event_append(subject=contract, action="create", actor=actor, data={
                "number": contract.number, "fee": str(contract.fee),
                "products": [p.pk for p in products],
                "previous": previous.number if previous is not None else ""})
            change_log(actor=actor, instance=contract, action="create")
            react("contract.create", contract, actor=actor)
    except IntegrityError:
        raise ValidationError({"previous": [_("This contract has already been renewed.")]}) from None
    return contract


def contract_update(*, actor, contract: MaintenanceContract, expected_version: int | None = None,
                    **data) -> MaintenanceContract:
    """Edit a contract's terms (products, period, fee, causes, responsible person, note), with an
    event naming what changed. A stale version is refused (409)."""
    _require(actor, _may_manage_contracts(actor))
    changes = {k: v for k, v in data.items() if k in CONTRACT_FIELDS}
    merged = {f: getattr(contract, f) for f in CONTRACT_FIELDS if f != "products"}
    merged["products"] = list(contract.products.all())
    merged |= changes
    values = _clean_contract(contract.customer, merged)
    with transaction.atomic():
        before = snapshot(contract)
        products = values.pop("products")
        changed = [f for f, v in values.items() if getattr(contract, f) != v]
        for field in changed:
            setattr(contract, field, values[field])
        old_products = {p.pk for p in MaintenanceContract.objects.get(pk=contract.pk).products.all()}
        products_changed = old_products != {p.pk for p in products}
        version_bump(instance=contract, expected_version=expected_version, fields=changed)
        if products_changed:
            contract.products.set(products)
            changed.append("products")
        event_append(subject=contract, action="update", actor=actor,
                     data={"fields": changed})
        change_log(actor=actor, instance=contract, action="update", before=before)
        react("contract.update", contract, actor=actor, data={"fields": changed})
    return contract


# --- renewals (AR-6, seed 000 §(二十)) -------------------------------------------------------------

def contracts_due_for_renewal(today: date):
    """Contracts whose renewal month has begun, not yet ended, without a renewal row."""
    return (MaintenanceContract.objects
            .filter(ends_on__gte=today, ends_on__lte=add_months(today, 1), renewal__isnull=True,
                    next_contract__isnull=True)
            .select_related("customer", "responsible"))


def _renewal_responsible(contract: MaintenanceContract):
    """The contract's responsible person, else a supervisor of the customer's centre, else a
    service manager."""
    if contract.responsible_id and contract.responsible.is_active:
        return contract.responsible
    users = User.objects.filter(is_active=True)
    centre = contract.customer.service_centre_id
    return (users.filter(role=Role.SUPERVISOR, service_centre_id=centre).order_by("pk").first()
            if centre else None) or users.filter(role=Role.MANAGER).order_by("pk").first()


def contract_renewal_open(*, contract_id: int, today: date | None = None) -> ContractRenewal | None:
    """Open the renewal of one contract: its row (unique per contract), the notice to the customer
    (SMS and/or e-mail after commit, in the customer's language) and the task for the responsible
    person (a notification). Exactly once: a second call — concurrent or later — finds the row
    and does nothing. Returns the new renewal, or None."""
    today = today or local_today()
    try:
        with transaction.atomic():
            contract = (MaintenanceContract.objects.select_related("customer", "responsible")
                        .get(pk=contract_id))
            if (contract.ends_on < today
                    or MaintenanceContract.objects.filter(previous=contract).exists()):
                return None
            responsible = _renewal_responsible(contract)
            renewal = ContractRenewal.objects.create(
                contract=contract, due_on=renewal_due_on(contract.ends_on), responsible=responsible)
            sent_to = _renewal_notice(contract)
            renewal.notified_at = timezone.now() if sent_to else None
            renewal.notified_to = ", ".join(sent_to)[:200]
            renewal.save(update_fields=["notified_at", "notified_to", "updated_at"])
            if responsible is not None:
                Notification.objects.create(
                    user=responsible, level="info",
                    link=reverse("customers:renewals"),
                    text=(_("Contract %(number)s of %(customer)s ends on %(day)s: renew it.")
                          % {"number": contract.number, "customer": contract.customer.name,
                             "day": contract.ends_on.isoformat()})[:300])
            event_append(subject=contract, action="renewal_open", data={
                "renewal": renewal.pk, "notified_to": sent_to,
                "responsible": responsible.pk if responsible else None})
    except IntegrityError:
        return None  # another sweep opened it first
    return renewal


def _renewal_notice(contract: MaintenanceContract) -> list[str]:
    """Queue the renewal notice (保养到期通知书) to the customer; where it goes."""
    customer = contract.customer
    sent = []
    with translation.override(message_language(customer)):
        values = {"customer": customer.name, "number": contract.number,
                  "day": contract.ends_on.isoformat(), "phone": ""}
        text = _("%(customer)s, your maintenance contract %(number)s ends on %(day)s. We will "
                 "call you about renewing it; reply or call us any time.") % values
        subject = _("Your maintenance contract %(number)s ends on %(day)s") % values
        if mobile := customer_mobile(customer):
            sms_send_after_commit(mobile, text)
            sent.append(mobile)
        if customer.email:
            mail_send_after_commit(customer.email, subject, text)
            sent.append(customer.email)
    return sent


def contract_renewals_sweep(*, today: date | None = None) -> int:
    """The daily work: open the renewal of every contract whose renewal month has begun. Safe to
    run often and concurrently (each contract's renewal is opened once)."""
    today = today or local_today()
    ids = list(contracts_due_for_renewal(today).values_list("pk", flat=True))
    return sum(1 for pk in ids if contract_renewal_open(contract_id=pk, today=today) is not None)


def _check_renewal(actor, renewal: ContractRenewal) -> None:
    _require(actor, _may_manage_contracts(actor))
    if renewal.outcome != RenewalOutcome.OPEN:
        raise ConflictError(_("This renewal has already been recorded as %(outcome)s.")
                            % {"outcome": renewal.get_outcome_display()})


def _same_length(old: MaintenanceContract, starts_on: date) -> date:
    """The end of a contract as long as ``old`` starting on ``starts_on``: whole months when the
    old one ran whole months (a year stays a year across a leap day), else as many days."""
    months = (old.ends_on.year - old.starts_on.year) * 12 + old.ends_on.month - old.starts_on.month
    for m in (months, months + 1):
        if m > 0 and add_months(old.starts_on, m) - timedelta(days=1) == old.ends_on:
            return add_months(starts_on, m) - timedelta(days=1)
    return starts_on + (old.ends_on - old.starts_on)


def contract_renew(*, actor, renewal: ContractRenewal, starts_on: date | None = None,
                   ends_on: date | None = None, fee=None, products=None, note: str = "",
                   expected_version: int | None = None) -> MaintenanceContract:
    """Record a renewal as won: the next contract (linked to the old one), by default the same
    products, fee and length, starting the day after the old one ends."""
    with transaction.atomic():
        renewal = ContractRenewal.objects.select_for_update().select_related(
            "contract__customer").get(pk=renewal.pk)
        _check_renewal(actor, renewal)
        if expected_version is not None and renewal.version != expected_version:
            raise StaleWrite()
        old = renewal.contract
        starts_on = starts_on or old.ends_on + timedelta(days=1)
        ends_on = ends_on or _same_length(old, starts_on)
        new = contract_create(
            actor=actor, customer=old.customer,
            products=products if products is not None else list(old.products.all()),
            starts_on=starts_on, ends_on=ends_on, fee=old.fee if fee is None else fee,
            excluded_causes=list(old.excluded_causes), responsible=old.responsible,
            note=note, previous=old)
        renewal.outcome = RenewalOutcome.RENEWED
        renewal.note = note or ""
        renewal.decided_by, renewal.decided_at = actor, timezone.now()
        renewal.version += 1
        renewal.save(update_fields=["outcome", "note", "decided_by", "decided_at", "version",
                                    "updated_at"])
        event_append(subject=old, action="renewed", actor=actor, note=note,
                     data={"next": new.number})
    return new


def contract_renewal_lose(*, actor, renewal: ContractRenewal, reason: str, note: str = "",
                          expected_version: int | None = None) -> ContractRenewal:
    """Record a renewal as lost, with a reason from the list (and a note; required for "other")."""
    errors = {}
    if reason not in LostReason.values:
        errors["lost_reason"] = [_("Choose why the renewal was lost.")]
    elif reason == LostReason.OTHER and not (note or "").strip():
        errors["note"] = [_("Say why the renewal was lost.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        renewal = ContractRenewal.objects.select_for_update().select_related("contract").get(
            pk=renewal.pk)
        _check_renewal(actor, renewal)
        if expected_version is not None and renewal.version != expected_version:
            raise StaleWrite()
        renewal.outcome, renewal.lost_reason = RenewalOutcome.LOST, reason
        renewal.note = (note or "").strip()
        renewal.decided_by, renewal.decided_at = actor, timezone.now()
        renewal.version += 1
        renewal.save(update_fields=["outcome", "lost_reason", "note", "decided_by", "decided_at",
                                    "version", "updated_at"])
        event_append(subject=renewal.contract, action="renewal_lost", actor=actor,
                     note=renewal.note, data={"reason": reason})
    return renewal
