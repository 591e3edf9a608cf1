"""The seed's numbers (seed 000, 客戶抱怨處理): the defaults of the admin-editable policy tables."""

from decimal import Decimal

from .choices import DepartmentKind, StepCode

DOMESTIC_CASE_DAYS = 13  # CP-5, working days from the GM office's acceptance
FOREIGN_CASE_DAYS = 17
QA_REPORT_DAYS = 3  # CP-6
REMINDER_BEFORE_HOURS = Decimal("2")  # CP-7: a reminder this much working time before a deadline
WARNING_AMOUNT = Decimal("400.00")  # CP-13: a warning costs at least 400
MINOR_PER_BASE = Decimal("800.00")  # a minor demerit at least 800 per base point
CAP_RATIO = Decimal("0.50")  # at most 50 % of the month's efficiency bonus, the rest later
RESALE_WINDOW_DAYS = 30  # resold within a month: the A-grade price loss counts
TOLERANCE_RATIO = Decimal("0.05")  # 超量允收比率 when the customer's order states none
REPLY_HOURS = 24  # CP-15: reply within 24 hours
SETTLE_DAYS = 30  # … settle within a month

# (code, kind, name) — the departments of the route (CP-4) and of responsibility (CP-12)
DEPARTMENTS = [
    ("GMO", DepartmentKind.GM_OFFICE, "总经理室生产管理组"),
    ("QA", DepartmentKind.QA, "质量管理部"),
    ("MFG", DepartmentKind.MANUFACTURING, "制造部"),
    ("RND", DepartmentKind.RND, "研发部"),
    ("SALES", DepartmentKind.SALES, "业务部"),
    ("SVC", DepartmentKind.SERVICE, "服务部"),
    ("FIN", DepartmentKind.FINANCE, "会计科"),
    ("WH", DepartmentKind.WAREHOUSE, "成品仓储"),
]

# CP-4: (step, department code, working days domestic, working days foreign)
ROUTE = [
    (StepCode.INTAKE, "GMO", Decimal("0.5"), Decimal("0.5")),
    (StepCode.QA, "QA", Decimal("1"), Decimal("1")),
    (StepCode.MANUFACTURING, "MFG", Decimal("1"), Decimal("1")),
    (StepCode.RND, "RND", Decimal("1"), Decimal("1")),
    (StepCode.NEGOTIATION, "SALES", Decimal("5"), Decimal("12")),
    (StepCode.REVIEW, "GMO", Decimal("0.5"), Decimal("0.5")),
    (StepCode.APPROVAL, "GMO", Decimal("1"), Decimal("1")),
]

# 核決許可權: (level, name, up to amount or None for no limit)
AUTHORITIES = [
    (1, "业务部经理", Decimal("5000.00")),
    (2, "副总经理", Decimal("50000.00")),
    (3, "总经理", None),
]
