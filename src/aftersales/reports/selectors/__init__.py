"""Reads that carry policy (house style rule 2): the aggregate queries behind every report."""

from .appraisal import appraisal_lines, appraisal_totals
from .centre import centre_figures, completed_by_day
from .common import reopened_list, reopened_q, survey_model
from .dashboard import dashboard_figures, deadline_list
from .reports import (
    active_run,
    recent_runs,
    report_find,
    report_get,
    report_list,
    report_timeline,
    run_get,
    technician_reports,
)
from .work import hours_by_day, job_lines, work_by_technician, work_totals

__all__ = [
    "appraisal_lines", "appraisal_totals", "centre_figures", "completed_by_day", "dashboard_figures",
    "deadline_list", "hours_by_day", "job_lines", "reopened_list", "reopened_q",
    "survey_model", "work_by_technician", "work_totals", "active_run", "recent_runs",
    "report_find", "report_get", "report_list", "report_timeline", "run_get",
    "technician_reports",
]
