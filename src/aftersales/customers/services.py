"""Every write to customers, product models, installed products and contracts (rule 1)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today, warranty_end
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.numbering import next_number
from aftersales.core.validators import phone_normalize
from aftersales.core.workflow import version_bump

from .models import Customer, InstalledProduct, MaintenanceContract, ProductModel

CUSTOMER_FIELDS = ("name", "phone", "phone_alt", "email", "address", "region_kind", "kind",
                   "birthday", "referred_by", "service_centre", "lat", "lon")
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
    units = InstalledProduct.objects.filter(model=product_model).only("pk", "purchased_on")
    changed = []
    for unit in units.iterator(chunk_size=batch):
        unit.warranty_ends_on = warranty_end(unit.purchased_on, product_model.warranty_months)
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
        changes["warranty_ends_on"] = warranty_end(merged["purchased_on"], merged["model"].warranty_months)
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


def contract_create(*, actor, customer: Customer, products, starts_on: date, ends_on: date,
                    fee) -> MaintenanceContract:
    _require(actor, actor.is_staff_role and actor.role != "technician")
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("The contract cannot end before it starts.")]
    if fee < 0:
        errors["fee"] = [_("A fee cannot be negative.")]
    foreign = [p for p in products if p.customer_id != customer.pk]
    if foreign:
        errors["products"] = [_("Every product covered must belong to the customer.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contract = MaintenanceContract.objects.create(
            number=next_number("contract", "HT"), customer=customer, starts_on=starts_on,
            ends_on=ends_on, fee=fee,
        )
        contract.products.set(products)
        change_log(actor=actor, instance=contract, action="create")
    return contract
