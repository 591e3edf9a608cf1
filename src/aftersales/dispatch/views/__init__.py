"""The dispatch app's pages: the day plan (issue 3)."""

from .plans import (
    plan_create,
    plan_detail,
    plan_list,
    plan_move,
    plan_progress,
    plan_publish,
    plan_replan,
)

__all__ = [
    "plan_create", "plan_detail", "plan_list", "plan_move", "plan_progress", "plan_publish",
    "plan_replan",
]
