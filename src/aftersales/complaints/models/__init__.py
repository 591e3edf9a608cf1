"""Complaints (CP-1 … CP-16): the case, its route, responsibility and penalties, and the policy."""

from .complaint import Complaint, ComplaintStep, Inquiry, StepAlert, complaint_rule
from .policy import ApprovalAuthority, ComplaintPolicy, Department, DepartmentMember, RouteStep
from .responsibility import (
    InternalNote,
    MonthlyReport,
    Penalty,
    PenaltyInstalment,
    ReceivableExclusion,
    Responsibility,
    StaffStrike,
    internal_rule,
)

__all__ = [
    "ApprovalAuthority", "Complaint", "ComplaintPolicy", "ComplaintStep", "Department",
    "DepartmentMember", "Inquiry", "InternalNote", "MonthlyReport", "Penalty", "PenaltyInstalment",
    "ReceivableExclusion", "Responsibility", "RouteStep", "StaffStrike", "StepAlert",
    "complaint_rule", "internal_rule",
]
