"""The 三包 entitlement rule, case by case (pure function; the defaults of the national rules)."""

import pytest

from aftersales.warranty.rules import Numbers, entitlement

N = Numbers(refund_days=7, replacement_days=15, repairs_before_replacement=2)


def kinds(**kw):
    facts = {"in_warranty": True, "chargeable_cause": False, "days_since_purchase": 100,
             "serious_fault": False, "prior_repairs": 0, "numbers": N} | kw
    return entitlement(**facts).kinds


@pytest.mark.parametrize(("days", "serious", "expected"), [
    (0, True, ["repair", "replacement", "refund"]),
    (7, True, ["repair", "replacement", "refund"]),
    (8, True, ["repair", "replacement"]),
    (15, True, ["repair", "replacement"]),
    (16, True, ["repair"]),
    (3, False, ["repair"]),  # not a serious fault: repair
])
def test_days_since_purchase(days, serious, expected):
    assert kinds(days_since_purchase=days, serious_fault=serious) == expected


@pytest.mark.parametrize(("priors", "expected"), [
    (0, ["repair"]), (1, ["repair"]), (2, ["repair", "replacement", "refund"]),
    (5, ["repair", "replacement", "refund"])])
def test_repeated_repairs_of_the_same_fault(priors, expected):
    assert kinds(prior_repairs=priors) == expected


def test_the_customers_own_cause_or_out_of_warranty_gives_repair_only():
    assert kinds(chargeable_cause=True, days_since_purchase=2, serious_fault=True,
                 prior_repairs=3) == ["repair"]
    assert kinds(in_warranty=False, prior_repairs=3) == ["repair"]


def test_the_numbers_are_the_policys():
    strict = Numbers(refund_days=0, replacement_days=3, repairs_before_replacement=3)
    assert kinds(numbers=strict, days_since_purchase=2, serious_fault=True) == [
        "repair", "replacement"]
    assert kinds(numbers=strict, prior_repairs=2) == ["repair"]
