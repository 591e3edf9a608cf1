"""Every write of the customer portal (house style rule 1): sign-in codes and links, portal users.

A code is 6 digits, valid for 10 minutes, signs in once, and dies after 5 wrong attempts; a new
code replaces the customer's live one. The link sent with it signs in once, like the code.
Rate limits over the last 15 minutes:
- 3 requests per phone number or e-mail, and 20 per IP address: the user is told to wait. They
  count requests, not customers, so they read the same for known and unknown identifiers.
- 3 codes per customer (across his phone numbers and e-mail): silently nothing more is sent.
Nothing the caller sees tells whether an identifier belongs to a customer.
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.events import event_append
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.validators import phone_normalize
from aftersales.core.workflow import version_bump
from aftersales.customers.models import Customer
from aftersales.customers.selectors import message_language

from .models import CodeChannel, CodeStatus, LoginCode, LoginRequest

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
WINDOW = timedelta(minutes=15)
PER_IDENTIFIER = 3
PER_CUSTOMER = 3
PER_IP = 20


class LoginFailed(Exception):
    """A code or link that does not sign in; the message never says why in detail."""

    def __init__(self, message=None):
        self.message = message or _(
            "This code is not right, or it is no longer valid. Check it, or ask for a new code."
        )
        super().__init__(str(self.message))


class TooManyRequests(Exception):
    def __init__(self, wait: timedelta):
        self.minutes = max(1, math.ceil(wait.total_seconds() / 60))
        self.message = _(
            "Too many codes were asked for. Please try again in %(minutes)d minutes."
        ) % {"minutes": self.minutes}
        super().__init__(self.message)


@dataclass(frozen=True)
class Identifier:
    """What the customer typed, normalised: a phone number (E.164) or an e-mail address."""

    channel: str
    value: str


def identifier_parse(raw: str) -> Identifier:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(
            {"identifier": [_("Enter your mobile number or e-mail address.")]}, code="required"
        )
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                {"identifier": [_("“%(value)s” is not an e-mail address.") % {"value": text}]},
                code="invalid",
            ) from None
        return Identifier(CodeChannel.EMAIL, text.lower())
    try:
        return Identifier(CodeChannel.SMS, phone_normalize(text))
    except ValidationError as exc:
        raise ValidationError({"identifier": exc.messages}, code="invalid") from None


# --- hashing ----------------------------------------------------------------------------------

def _identifier_key(ident: Identifier) -> str:
    return salted_hmac("aftersales.portal.identifier", ident.value, algorithm="sha256").hexdigest()


def _code_hash(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = salted_hmac("aftersales.portal.code", f"{salt}:{code}", algorithm="sha256")
    return f"{salt}${digest.hexdigest()}"


def _code_matches(code: str, stored: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return constant_time_compare(_code_hash(code, salt), stored)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- look-ups ---------------------------------------------------------------------------------

def _customer_for(ident: Identifier) -> Customer | None:
    """The customer an identifier belongs to: main phone before other phone, oldest first."""
    if ident.channel == CodeChannel.SMS:
        return (
            Customer.objects.filter(Q(phone=ident.value) | Q(phone_alt=ident.value))
            .order_by(Case(When(phone=ident.value, then=Value(0)), default=Value(1)), "pk")
            .first()
        )
    return Customer.objects.filter(email__iexact=ident.value).order_by("pk").first()


def _may_sign_in(customer: Customer) -> bool:
    """A portal login that staff switched off, or a staff account linked by mistake, never
    signs in through a code."""
    user = customer.user
    return user is None or (user.is_active and user.role == Role.CUSTOMER)


def _wait(since_rows, now) -> timedelta:
    oldest = min(since_rows)
    return oldest + WINDOW - now


# --- sending a code ---------------------------------------------------------------------------

def login_code_request(*, identifier: str, ip: str | None = None,
                       next_url: str = "") -> LoginCode | None:
    """Send a code and link to the customer this phone number or e-mail belongs to, if any.

    Returns the new code row (or None); callers that face the public must not show which.
    Raises ValidationError for input that is neither a phone number nor an e-mail address, and
    TooManyRequests when this identifier or address asked too often.
    """
    ident = identifier_parse(identifier)
    key = _identifier_key(ident)
    now = timezone.now()
    since = now - WINDOW
    with transaction.atomic():
        recent = list(LoginRequest.objects.filter(identifier_hash=key, at__gt=since)
                      .values_list("at", flat=True))
        if len(recent) >= PER_IDENTIFIER:
            raise TooManyRequests(_wait(recent, now))
        if ip:
            from_ip = list(LoginRequest.objects.filter(ip=ip, at__gt=since)
                           .values_list("at", flat=True))
            if len(from_ip) >= PER_IP:
                raise TooManyRequests(_wait(from_ip, now))
        log = LoginRequest.objects.create(identifier_hash=key, ip=ip or None, at=now)
        found = _customer_for(ident)
        if found is None:
            return None
        # The row lock serialises concurrent requests for one customer, so the limit holds.
        customer = Customer.objects.select_for_update().get(pk=found.pk)
        if not _may_sign_in(customer):
            return None
        if LoginCode.objects.filter(customer=customer, created_at__gt=since).count() >= PER_CUSTOMER:
            return None
        for old in LoginCode.objects.filter(customer=customer, status=CodeStatus.LIVE):
            old.status = CodeStatus.SUPERSEDED
            old.save(update_fields=["status"])
            event_append(subject=old, action="supersede", from_state=CodeStatus.LIVE,
                         to_state=CodeStatus.SUPERSEDED, at=now)
        code = f"{secrets.randbelow(10**6):06d}"
        token = secrets.token_urlsafe(32)
        destination = ident.value if ident.channel == CodeChannel.SMS else customer.email
        login_code = LoginCode.objects.create(
            customer=customer, channel=ident.channel, destination=destination,
            code_hash=_code_hash(code), token_hash=_token_hash(token),
            next_url=(next_url or "")[:300], created_at=now, expires_at=now + CODE_TTL,
        )
        log.code = login_code
        log.save(update_fields=["code"])
        event_append(subject=login_code, action="issue", to_state=CodeStatus.LIVE, at=now,
                     data={"channel": ident.channel})
        _send(login_code, code=code, token=token)
    return login_code


def login_link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:link", args=[token])


def _send(login_code: LoginCode, *, code: str, token: str) -> None:
    """The code in the customer's language, else in the language of the page he asked on."""
    with translation.override(message_language(login_code.customer,
                                               translation.get_language())):
        _send_in_language(login_code, code=code, token=token)


def _send_in_language(login_code: LoginCode, *, code: str, token: str) -> None:
    minutes = int(CODE_TTL.total_seconds() // 60)
    link = login_link_url(token)
    values = {"code": code, "minutes": minutes, "link": link}
    if login_code.channel == CodeChannel.SMS:
        text = _(
            "Your after-sales service sign-in code is %(code)s, valid for %(minutes)d minutes. "
            "Or sign in with this link: %(link)s Do not give this code to anyone."
        ) % values
        sms_send_after_commit(login_code.destination, text)
    else:
        subject = _("Your sign-in code: %(code)s") % values
        body = _(
            "Hello,\n\n"
            "your code to sign in and follow your service requests is:\n\n"
            "    %(code)s\n\n"
            "It is valid for %(minutes)d minutes and can be used once. "
            "You can also sign in with this link:\n\n"
            "%(link)s\n\n"
            "If you did not ask for it, you can ignore this message. "
            "Do not give this code to anyone; our staff will never ask for it.\n"
        ) % values
        mail_send_after_commit(login_code.destination, subject, body)


# --- signing in -------------------------------------------------------------------------------

def _free_username(customer: Customer) -> str:
    base = f"customer-{customer.pk}"
    name = base
    while User.objects.filter(username=name).exists():
        name = f"{base}-{secrets.token_hex(3)}"
    return name


def _portal_user(customer_id: int) -> User:
    """The customer's portal user; created (role customer, no password) on his first sign-in."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.user_id is not None:
        user = User.objects.get(pk=customer.user_id)
        if not (user.is_active and user.role == Role.CUSTOMER):
            raise LoginFailed(_("This sign-in is switched off. Please call our service hotline."))
        return user
    user = User(username=_free_username(customer), role=Role.CUSTOMER,
                first_name=customer.name[:150], email=customer.email or "")
    user.set_unusable_password()
    user.save()
    before = snapshot(customer)
    customer.user = user
    version_bump(instance=customer, expected_version=customer.version, fields=["user"])
    change_log(actor=user, instance=customer, action="update", before=before)
    event_append(subject=customer, action="portal_account_create", actor=user,
                 data={"user": user.pk, "username": user.username})
    return user


def _use(login_code: LoginCode, *, how: str) -> User:
    user = _portal_user(login_code.customer_id)
    now = timezone.now()
    login_code.status = CodeStatus.USED
    login_code.used_at = now
    login_code.user = user
    login_code.save(update_fields=["status", "used_at", "user"])
    event_append(subject=login_code, action="use", actor=user, from_state=CodeStatus.LIVE,
                 to_state=CodeStatus.USED, at=now, data={"by": how})
    return user


@dataclass(frozen=True)
class SignIn:
    user: User
    next_url: str


def login_code_verify(*, identifier: str, code: str) -> SignIn:
    """Sign in with the code sent to this identifier; a wrong code counts against it."""
    ident = identifier_parse(identifier)
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    customer = _customer_for(ident)
    if customer is None:
        raise LoginFailed()
    with transaction.atomic():
        login_code = (
            LoginCode.objects.select_for_update()
            .filter(customer=customer, status=CodeStatus.LIVE)
            .order_by("-created_at", "-id")
            .first()
        )
        if login_code is None or login_code.expired():
            login_code = None
        elif not (len(code) == 6 and code.isdigit() and _code_matches(code, login_code.code_hash)):
            login_code.attempts += 1
            fields = ["attempts"]
            if login_code.attempts >= MAX_ATTEMPTS:
                login_code.status = CodeStatus.LOCKED
                fields.append("status")
                event_append(subject=login_code, action="lock", from_state=CodeStatus.LIVE,
                             to_state=CodeStatus.LOCKED, data={"attempts": login_code.attempts})
            login_code.save(update_fields=fields)
            login_code = None
        else:
            return SignIn(_use(login_code, how="code"), login_code.next_url)
    # Outside the block, so the counted attempt is committed before the error goes up.
    raise LoginFailed()


def login_link_use(*, token: str) -> SignIn:
    """Sign in with the link sent with a code: once, within the code's 10 minutes."""
    with transaction.atomic():
        login_code = (
            LoginCode.objects.select_for_update().filter(token_hash=_token_hash(token or "")).first()
        )
        if login_code is not None and login_code.usable():
            return SignIn(_use(login_code, how="link"), login_code.next_url)
    raise LoginFailed(_("This sign-in link has expired or has been used already. "
                        "Ask for a new code."))


def login_link_valid(*, token: str) -> bool:
    """Whether a link could still sign in (to word the confirmation page); writes nothing."""
    login_code = LoginCode.objects.filter(token_hash=_token_hash(token or "")).first()
    return login_code is not None and login_code.usable()
