from .dashboard import dashboard, deadlines
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
    "dashboard", "deadlines", "mine", "report_action", "report_detail", "report_excel",
    "report_list", "report_open", "report_produce", "report_run", "run_status",
]
