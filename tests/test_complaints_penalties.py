"""CP-13 penalty arithmetic: worked examples computed by hand from seed 000's rules
(客戶投訴經濟處罰准則 / 行政處罰准則), each asserting exact Decimal amounts.

The rules, as the seed states them and the policy's defaults hold them:
- loss = the A-grade price loss if the goods were resold within a month, else the actual loss;
- each responsibility line bears loss × its share (%), ROUND_HALF_UP to the cent;
- a person's line is his alone; a department's line is spread over its people:
  line ÷ department's total base points × the person's base points (rounded per person);
- warning: 400; minor demerit: 800 per base point; major demerit: the whole month's bonus;
- a month's economic deductions of a person stay within 50 % of his monthly efficiency bonus;
  the rest carries over to the following months (each again within the cap).
"""

from datetime import date
from decimal import Decimal

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.complaints import rules, services
from aftersales.complaints.choices import Status
from aftersales.complaints.models import Department, DepartmentMember, Penalty, PenaltyInstalment
from aftersales.complaints.tests.factories import Team, drive, new_complaint

D = Decimal


def test_example_1_department_line_spread_by_base_points():
    """Loss 6,000.00 (not resold); manufacturing 60 % as a whole section with A 3, B 2, C 1 base
    points (total 6); salesperson Li 40 %.
    Manufacturing: 6000 × 60 % = 3600.00 → A 3600 ÷ 6 × 3 = 1800.00, B 3600 ÷ 6 × 2 = 1200.00,
    C 3600 ÷ 6 × 1 = 600.00. Li: 6000 × 40 % = 2400.00."""
    loss = rules.loss_counted(actual_loss=D("6000"), resale_loss=None, resold_within_window=False)
    shares = [rules.Share("mfg", D("60"), None, (("A", D("3")), ("B", D("2")), ("C", D("1")))),
              rules.Share("sales", D("40"), "Li", ())]
    got = {d.person: d.amount for d in rules.economic_deductions(loss, shares)}
    assert got == {"A": D("1800.00"), "B": D("1200.00"), "C": D("600.00"), "Li": D("2400.00")}


def test_example_1_caps_carry_over():
    """The same deductions under the 50 % cap, from December 2026:
    A bonus 2000 → cap 1000: 1000.00 in Dec, 800.00 in Jan.
    C bonus 1000 → cap 500: 500.00 in Dec, 100.00 in Jan.
    Li bonus 4000 → cap 2000: 2000.00 in Dec, 400.00 in Jan.
    B bonus 3000 → cap 1500: 1200.00 in Dec."""
    dec, jan = date(2026, 12, 1), date(2027, 1, 1)
    assert rules.instalments(D("1800.00"), cap=D("1000.00"), start=dec) == [
        (dec, D("1000.00")), (jan, D("800.00"))]
    assert rules.instalments(D("600.00"), cap=D("500.00"), start=dec) == [
        (dec, D("500.00")), (jan, D("100.00"))]
    assert rules.instalments(D("2400.00"), cap=D("2000.00"), start=dec) == [
        (dec, D("2000.00")), (jan, D("400.00"))]
    assert rules.instalments(D("1200.00"), cap=D("1500.00"), start=dec) == [(dec, D("1200.00"))]


def test_example_2_resold_within_a_month_counts_the_a_grade_price_loss():
    """Actual loss 10,000.00, A-grade price loss 2,500.00, resold within the month: the loss is
    2,500.00. QA inspector Wang 100 % with a warning: economic 2500 × 100 % = 2500.00, warning
    400.00. Not resold: the actual loss 10,000.00 counts."""
    loss = rules.loss_counted(actual_loss=D("10000"), resale_loss=D("2500"),
                              resold_within_window=True)
    assert loss == D("2500.00")
    assert rules.loss_counted(actual_loss=D("10000"), resale_loss=D("2500"),
                              resold_within_window=False) == D("10000.00")
    (d,) = rules.economic_deductions(loss, [rules.Share("qa", D("100"), "Wang", ())])
    assert d.amount == D("2500.00")
    assert rules.administrative_amount(grade="warning", warning_amount=D("400"),
                                       minor_per_base=D("800"), base_points=D("1"),
                                       monthly_bonus=D("6000")) == D("400.00")


def test_example_3_thirds_round_half_up_per_person_and_demerits():
    """Loss 1,000.00 on a section of three with 1 base point each: 1000 ÷ 3 × 1 = 333.333… →
    333.33 each (the lines, 999.99, are what is deducted). Minor demerit of a person with 2.5
    base points: 800 × 2.5 = 2000.00; two minor demerits: 4000.00. Major demerit with a month's
    bonus of 3,500.00: 3500.00. A share of 33.335 % of 1,000.00 = 333.35 (333.35 exactly)."""
    shares = [rules.Share("s", D("100"), None, (("x", D("1")), ("y", D("1")), ("z", D("1"))))]
    assert [d.amount for d in rules.economic_deductions(D("1000.00"), shares)] == [D("333.33")] * 3
    kw = {"warning_amount": D("400"), "minor_per_base": D("800"), "base_points": D("2.5"),
          "monthly_bonus": D("3500")}
    assert rules.administrative_amount(grade="minor", **kw) == D("2000.00")
    assert rules.administrative_amount(grade="minor", minor_count=2, **kw) == D("4000.00")
    assert rules.administrative_amount(grade="major", **kw) == D("3500.00")
    assert rules.loss_share(D("1000.00"), D("33.335")) == D("333.35")


def test_example_4_carry_over_after_earlier_deductions():
    """Cap 1,000.00; December already holds 700.00 from an earlier complaint, January 1,000.00
    (full). A new 900.00: Dec 300.00 (1000 − 700), Jan nothing, Feb 600.00."""
    dec, jan, feb = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
    assert rules.instalments(D("900.00"), cap=D("1000.00"), start=dec,
                             used={dec: D("700.00"), jan: D("1000.00")}) == [
        (dec, D("300.00")), (feb, D("600.00"))]


@pytest.mark.django_db
def test_example_1_booked_when_the_case_closes(clock_at):
    """Example 1 end to end: the split is set on the internal form, the case closes in
    December 2026, the penalties and their months are booked."""
    clock_at(10, 0, day=date(2026, 12, 1), tick=False)
    team = Team()
    mfg, sales = Department.objects.get(code="MFG"), Department.objects.get(code="SALES")
    c = drive(new_complaint(team), team, Status.DECIDED, amount=D("500.00"))
    DepartmentMember.objects.filter(department=mfg).delete()  # the section of example 1
    people = {}
    for name, points, bonus in (("A", "3", "2000"), ("B", "2", "3000"), ("C", "1", "1000")):
        people[name] = UserFactory(username=f"mfg-{name}", role=Role.AGENT, service_centre=None)
        DepartmentMember.objects.create(department=mfg, user=people[name], base_points=D(points),
                                        monthly_bonus=D(bonus))
    li = UserFactory(username="sales-li", role=Role.AGENT, service_centre=None)
    DepartmentMember.objects.create(department=sales, user=li, base_points=D("1"),
                                    monthly_bonus=D("4000"))
    services.responsibility_set(
        actor=team.manager, complaint=c, loss_actual="6000",
        lines=[{"department": mfg, "ratio": "60"},
               {"department": sales, "person": li, "ratio": "40", "grade": "warning"}])
    services.complaint_close(actor=team.people["SALES"], complaint=c)
    amounts = {(p.person.username, p.kind): p.amount for p in Penalty.objects.filter(complaint=c)}
    assert amounts == {("mfg-A", "economic"): D("1800.00"), ("mfg-B", "economic"): D("1200.00"),
                       ("mfg-C", "economic"): D("600.00"), ("sales-li", "economic"): D("2400.00"),
                       ("sales-li", "warning"): D("400.00")}
    months = sorted((i.person.username, i.month, i.amount) for i in PenaltyInstalment.objects
                    .filter(penalty__complaint=c, penalty__kind="economic"))
    dec, jan = date(2026, 12, 1), date(2027, 1, 1)
    assert months == [("mfg-A", dec, D("1000.00")), ("mfg-A", jan, D("800.00")),
                      ("mfg-B", dec, D("1200.00")), ("mfg-C", dec, D("500.00")),
                      ("mfg-C", jan, D("100.00")), ("sales-li", dec, D("2000.00")),
                      ("sales-li", jan, D("400.00"))]


@pytest.mark.django_db
def test_shares_must_add_up_to_100():
    team = Team()
    c = new_complaint(team)
    mfg = Department.objects.get(code="MFG")
    with pytest.raises(Exception) as err:
        services.responsibility_set(actor=team.manager, complaint=c,
                                    lines=[{"department": mfg, "ratio": "60"}])
    assert "100" in str(err.value)
    assert not c.responsibilities.exists()


@pytest.mark.django_db
def test_three_strikes_for_staff_complained_about():
    """CP-15: the first upheld complaint about a technician is a warning, the second a penalty,
    the third dismissal; a complaint not upheld is no strike."""
    team = Team()
    got = []
    for upheld in (True, False, True, True):
        c = new_complaint(team, kind="non_quality", staff_complained_about=team.technician)
        c = drive(c, team, Status.CLOSED, upheld=upheld)
        got.append(getattr(c, "strike", None) and (c.strike.number, c.strike.consequence))
    assert got == [(1, "warning"), None, (2, "penalty"), (3, "dismissal")]
