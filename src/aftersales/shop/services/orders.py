"""Shops, orders (by hand or from a platform's webhook), the buyer's customer record, ratings."""

import hashlib
import hmac
import json
import time
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log
from aftersales.core.events import event_append
from aftersales.core.validators import phone_normalize
from aftersales.customers.models import Customer

from ..models import InboundEvent, Order, Rating, Shop
from ..rules import money
from .cases import message_from_platform
from .common import require_desk

SIGNATURE_HEADER = "X-Shop-Signature"
TIMESTAMP_HEADER = "X-Shop-Timestamp"
REPLAY_WINDOW_SECONDS = 300


def shop_create(*, actor, code: str, name: str, platform: str, **extra) -> Shop:
    require_desk(actor)
    with transaction.atomic():
        shop = Shop(code=code, name=name, platform=platform, **extra)
        shop.full_clean()
        shop.save()
        change_log(actor=actor, instance=shop, action="create")
    return shop


# --- the buyer ----------------------------------------------------------------------------------

def customer_for_buyer(*, actor, name: str, phone: str, address: str = "") -> Customer:
    """The customer with this phone (normalised as customers store it), or a new one."""
    try:
        normalised = phone_normalize(phone)
    except ValidationError as exc:
        raise ValidationError({"buyer_phone": exc.messages}) from None
    found = (Customer.objects.filter(Q(phone=normalised) | Q(phone_alt=normalised))
             .order_by("id").first())
    if found is not None:
        return found
    customer = Customer.objects.create(name=(name or "").strip()[:100] or normalised,
                                       phone=normalised, address=(address or "")[:200])
    change_log(actor=actor, instance=customer, action="create")
    return customer


# --- orders -------------------------------------------------------------------------------------

def _moment(value, field: str, errors: dict):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = parse_datetime(str(value))
        if moment is None:
            errors[field] = [_("Enter a date and time (ISO 8601).")]
            return None
    if timezone.is_naive(moment):
        errors[field] = [_("Give the time zone of this time.")]
        return None
    return moment


def _items_clean(items, errors: dict) -> list:
    cleaned = []
    if not isinstance(items, list):
        errors["items"] = [_("Items are a list.")]
        return cleaned
    for item in items:
        try:
            quantity = int(item.get("quantity", 1))
            price = money(Decimal(str(item.get("price", "0"))))
            name = str(item.get("name", "")).strip()[:200]
        except (AttributeError, ValueError, TypeError, InvalidOperation):
            errors["items"] = [_("Each item needs a name, a quantity and a price.")]
            return []
        if not name or quantity < 1 or price < 0:
            errors["items"] = [_("Each item needs a name, a quantity and a price.")]
            return []
        cleaned.append({"sku": str(item.get("sku", ""))[:60], "name": name,
                        "quantity": quantity, "price": str(price)})
    return cleaned


def _order_values(data: dict) -> dict:
    errors: dict = {}
    values = {
        "number": str(data.get("number") or "").strip()[:64],
        "buyer_name": str(data.get("buyer_name") or "").strip()[:100],
        "buyer_phone": str(data.get("buyer_phone") or "").strip()[:20],
        "buyer_account": str(data.get("buyer_account") or "").strip()[:100],
        "address": str(data.get("address") or "").strip()[:200],
        "items": _items_clean(data.get("items") or [], errors),
    }
    if not values["number"]:
        errors["number"] = [_("Enter the platform's order number.")]
    if not values["buyer_name"]:
        errors["buyer_name"] = [_("Enter the buyer's name.")]
    try:
        values["paid_amount"] = money(Decimal(str(data.get("paid_amount"))))
        if values["paid_amount"] < 0 or not values["paid_amount"].is_finite():
            raise InvalidOperation
        if values["paid_amount"] >= Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["paid_amount"] = [_("Enter the amount paid (0 or more).")]
    for field in ("paid_at", "shipped_at", "delivered_at"):
        values[field] = _moment(data.get(field), field, errors)
    if values["paid_at"] is None and "paid_at" not in errors:
        errors["paid_at"] = [_("Enter when the order was paid.")]
    if (values["shipped_at"] and values["paid_at"] and values["shipped_at"] < values["paid_at"]):
        errors["shipped_at"] = [_("Goods cannot be shipped before they are paid for.")]
    if values["delivered_at"] and values["shipped_at"] and values["delivered_at"] < values["shipped_at"]:
        errors["delivered_at"] = [_("Goods cannot be delivered before they are shipped.")]
    if values["delivered_at"] and values["delivered_at"] > timezone.now() + timezone.timedelta(minutes=5):
        errors["delivered_at"] = [_("A delivery cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return values


def order_create(*, actor, shop: Shop, source: str = "hand", **data) -> Order:
    """An order entered by hand (or the first time a platform sends it)."""
    require_desk(actor)
    values = _order_values(data)
    with transaction.atomic():
        customer = customer_for_buyer(actor=actor, name=values["buyer_name"],
                                      phone=values["buyer_phone"], address=values["address"])
        values["buyer_phone"] = customer.phone if values["buyer_phone"] else ""
        try:
            with transaction.atomic():
                order = Order.objects.create(shop=shop, customer=customer, source=source,
                                             **values)
        except IntegrityError:
            raise ValidationError({"number": [ValidationError(
                _("Order %(number)s of this shop is already recorded.")
                % {"number": values["number"]}, code="duplicate")]}) from None
        event_append(subject=order, action="order_create", actor=actor,
                     data={"source": source, "paid_amount": str(values["paid_amount"])})
    return order


def _order_dates_update(order: Order, values: dict) -> list[str]:
    """A resent or later event may bring the shipping or delivery time; never clears one."""
    changed = []
    for field in ("shipped_at", "delivered_at"):
        if values.get(field) and getattr(order, field) != values[field]:
            setattr(order, field, values[field])
            changed.append(field)
    if changed:
        order.version += 1
        order.save(update_fields=[*changed, "version", "updated_at"])
    return changed


def rating_record(*, order: Order, description: int, logistics: int, service: int,
                  at: datetime) -> Rating:
    for name, value in (("description", description), ("logistics", logistics),
                        ("service", service)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError({name: [_("A rating is a whole number from 1 to 5.")]})
    rating, _created = Rating.objects.update_or_create(
        order=order, defaults={"description": description, "logistics": logistics,
                               "service": service, "at": at})
    return rating


# --- the webhook --------------------------------------------------------------------------------

class WebhookRefused(Exception):
    """The call is not from the platform (bad signature, stale timestamp): answer 401."""


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<raw body>" with the shop's secret, hex."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_verify(*, shop: Shop | None, timestamp: str, signature: str, body: bytes,
                   now: float | None = None) -> None:
    if shop is None or not shop.active:
        raise WebhookRefused("unknown shop")
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise WebhookRefused("no timestamp") from None
    now = time.time() if now is None else now
    if abs(now - sent) > REPLAY_WINDOW_SECONDS:
        raise WebhookRefused("stale")
    expected = signature_for(shop.webhook_secret, str(sent), body)
    if not hmac.compare_digest(expected, (signature or "").strip().lower()):
        raise WebhookRefused("signature")


def _event_order(shop: Shop, payload: dict) -> Order:
    data = payload.get("order")
    if not isinstance(data, dict):
        raise ValidationError({"order": [_("The event carries no order.")]})
    buyer = data.get("buyer") if isinstance(data.get("buyer"), dict) else {}
    values = {**data, "buyer_name": buyer.get("name", data.get("buyer_name")),
              "buyer_phone": buyer.get("phone", data.get("buyer_phone")),
              "buyer_account": buyer.get("account", data.get("buyer_account", "")),
              "address": buyer.get("address", data.get("address", ""))}
    existing = Order.objects.select_for_update().filter(
        shop=shop, number=str(values.get("number") or "").strip()).first()
    if existing is not None:
        cleaned = _order_values(values)
        _order_dates_update(existing, cleaned)
        return existing
    try:
        with transaction.atomic():
            return order_create(actor=None, shop=shop, source="webhook", **values)
    except ValidationError as exc:
        clash = getattr(exc, "error_dict", {}).get("number") or []
        if not any(e.code == "duplicate" for e in clash):
            raise
        # another event about the same order was stored meanwhile: update that one
        order = Order.objects.select_for_update().get(shop=shop, number=values["number"])
        _order_dates_update(order, _order_values(values))
        return order


def webhook_receive(*, shop: Shop, body: bytes) -> tuple[InboundEvent, bool]:
    """Store one verified platform event once. Returns (event, created); a resent event
    (same ``event_id``) returns the stored one and changes nothing."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError({"body": [_("The body is not JSON.")]}) from None
    if not isinstance(payload, dict):
        raise ValidationError({"body": [_("The body is not a JSON object.")]})
    event_id = str(payload.get("event_id") or "").strip()[:100]
    kind = str(payload.get("type") or "").strip()[:30]
    if not event_id:
        raise ValidationError({"event_id": [_("The event has no id.")]})
    if kind not in {"order", "message", "rating"}:
        raise ValidationError({"type": [_("Unknown event type.")]})
    digest = hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = InboundEvent.objects.create(shop=shop, event_id=event_id, kind=kind,
                                                    body_hash=digest)
        except IntegrityError:
            event = None
        if event is not None:
            if kind == "order":
                event.order = _event_order(shop, payload)
            else:
                number = str(payload.get("order_number") or "").strip()
                order = Order.objects.filter(shop=shop, number=number).first()
                if order is None:
                    raise ValidationError({"order_number": [_("No such order in this shop.")]})
                event.order = order
                if kind == "rating":
                    data = payload.get("rating") or {}
                    rating_record(order=order, description=data.get("description"),
                                  logistics=data.get("logistics"), service=data.get("service"),
                                  at=_moment(data.get("at"), "at", {}) or timezone.now())
                else:
                    message_from_platform(order=order, payload=payload.get("message") or {})
            event.save(update_fields=["order"])
            return event, True
    event = InboundEvent.objects.get(shop=shop, event_id=event_id)
    if event.body_hash != digest:
        raise ValidationError({"event_id": [ValidationError(
            _("This event id was already used for a different event."), code="event_reused")]})
    return event, False
