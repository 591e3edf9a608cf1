from .dashboard import dashboard, deadlines
from .parts import parts_monthly_excel, parts_monthly_report
from .reports import (
    mine,
    report_action,
    report_detail,
    report_excel,
    report_list,
    report_open,
    report_produce,
    report_run,
    run_status,
)

__all__ = [
    "dashboard", "deadlines", "parts_monthly_excel", "parts_monthly_report",
    "mine", "report_action", "report_detail", "report_excel",
    "report_list", "report_open", "report_produce", "report_run", "run_status",
]
