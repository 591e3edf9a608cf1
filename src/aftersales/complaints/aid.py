"""CP-16: the handling method (seed 003, 客户投诉的处理方法) and the cards in hand for the
negotiation, with what each costs for this complaint's product."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .rules import money

STEPS = [
    (_("Be there quickly"), _("Reach the customer or the site at once and reply within 24 hours: "
                              "the customer must feel the complaint is taken seriously.")),
    (_("Empathise"), _("Put yourself in the customer's place; let him vent, do not stop him, "
                       "show respect.")),
    (_("Listen"), _("Find what he sees as the real problem and what result he wants; do not "
                    "judge from his first words.")),
    (_("Find common ground"), _("Move to a topic he cares about, turn the dispute into a "
                                "conversation between two people, then come back to it.")),
    (_("Negotiate"), _("Know the company's principles and your authority (never promise beyond "
                       "it, never quote internal rules); use the options below.")),
    (_("Carry out quickly"), _("Do what was agreed at once, within the approved authority.")),
    (_("Call back"), _("Call the customer after the complaint is settled (a follow-up call).")),
]


def options_for(complaint) -> list[dict]:
    """The options of seed 003 with their estimated cost: the product model's service fee is
    the unit of a visit; a longer warranty costs about one visit per extra half year."""
    fee = Decimal("0")
    if complaint.product_model_id:
        fee = complaint.product_model.service_fee or Decimal("0")
    fee = fee or Decimal("100.00")
    return [
        {"name": _("Longer free warranty (6 months)"), "cost": money(fee),
         "basis": _("about one visit's service fee")},
        {"name": _("Free accessories of high value to the customer"), "cost": money(fee * 2),
         "basis": _("about two service fees of parts")},
        {"name": _("An extra maintenance visit"), "cost": money(fee),
         "basis": _("one service fee")},
        {"name": _("A small gift"), "cost": Decimal("50.00"), "basis": _("up to ¥50")},
    ]
