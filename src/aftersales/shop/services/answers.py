"""Ready answers (话术, EC-5): saved by the desk, filled in for a case."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log, snapshot

from ..choices import CaseKind, Language
from ..models import ReadyAnswer, ShopCase
from ..rules import return_deadline
from .common import require_desk

PLACEHOLDERS = ("order", "buyer", "shop", "paid_at", "delivered_at", "return_until")


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def answer_save(*, actor, answer: ReadyAnswer | None = None, kind: str, language: str,
                title: str, body: str, active: bool = True) -> ReadyAnswer:
    require_desk(actor)
    errors = {}
    if kind not in CaseKind.values:
        errors["kind"] = [_("Choose the contact kind.")]
    if language not in Language.values:
        errors["language"] = [_("Choose the language.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the answer a title.")]
    if not (body or "").strip():
        errors["body"] = [_("Write the answer.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(answer) if answer is not None else None
        answer = answer or ReadyAnswer()
        answer.kind, answer.language = kind, language
        answer.title, answer.body, answer.active = title.strip()[:100], body.strip(), active
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:
            raise ValidationError({"title": [_("This kind already has an answer with this "
                                               "title in this language.")]}) from None
        change_log(actor=actor, instance=answer, action="update" if before else "create",
                   before=before)
    return answer


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def answer_render(answer: ReadyAnswer, case: ShopCase | None) -> str:
    """The answer's text with the case's order, buyer and dates filled in; placeholders the
    case cannot fill stay as they are."""
    if case is None:
        return answer.body
    order = case.order
    until = ""
    if order.delivered_at:
        until = _date(return_deadline(order.delivered_at) - timezone.timedelta(seconds=1))
    values = _Blank(order=order.number, buyer=order.buyer_name, shop=order.shop.name,
                    paid_at=_date(order.paid_at), delivered_at=_date(order.delivered_at),
                    return_until=until)
    try:
        return answer.body.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return answer.body
