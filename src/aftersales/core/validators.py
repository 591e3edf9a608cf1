"""Shared field validation: phone numbers (phonenumbers, mainland China by default) and the
control characters no stored text may hold."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "CN"


def _has_letters(text: str) -> bool:
    """Letters of any script: phonenumbers would read Latin ones as keypad digits."""
    return any(ch.isalpha() for ch in text)


def phone_normalize(raw: str, region: str = DEFAULT_REGION) -> str:
    """A valid phone number in E.164 form, or ValidationError in the user's language.

    Letters are refused, not passed to phonenumbers: it maps them to keypad digits
    ("138abcd0013" → +8613822230013) and would drop an extension ("x12", "ext 12") silently.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if _has_letters(text):
        raise ValidationError(
            _("“%(value)s” contains letters: a phone number has digits only.") % {"value": text},
            code="invalid_phone",
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(value)s” is not a phone number.") % {"value": text}, code="invalid_phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number.") % {"value": text}, code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_is_mobile(phone: str, region: str = DEFAULT_REGION) -> bool:
    """Whether ``phone`` takes a text message: a mobile number (a landline is called, not
    texted)."""
    try:
        number = phonenumbers.parse(phone or "", region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in {phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone_display(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_key(raw: str) -> str:
    """Best-effort E.164 for look-ups: a partial number is returned as its digits.

    Text with letters is returned as it is: it matches no stored number (never keypad digits).
    """
    if _has_letters(raw or ""):
        return (raw or "").strip()
    try:
        return phone_normalize(raw)
    except ValidationError:
        return "".join(ch for ch in raw if ch.isdigit())


# --- control characters -----------------------------------------------------------------------

# Characters no text of the product may hold: the C0 controls except tab, line feed and
# carriage return, and the two non-characters XML 1.0 forbids. They cannot be written to an
# Excel file (openpyxl refuses them) nor to XML, PostgreSQL refuses NUL, and none is typed.
CONTROL_CHARACTERS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def control_character(text: str) -> str | None:
    """The first forbidden control character in ``text``, or None."""
    found = CONTROL_CHARACTERS_RE.search(text)
    return found.group() if found else None


def control_characters_strip(text: str) -> str:
    return CONTROL_CHARACTERS_RE.sub("", text)


def control_character_message(char: str) -> str:
    return _("This text contains a control character (U+%(code)04X), which cannot be stored; "
             "remove it and send again.") % {"code": ord(char)}
