"""The dispatch app's pages: the dispatch queue, the deadlines on a request, the day plan, bad
weather's notices."""

from .clocks import request_clock
from .plans import (
    plan_create,
    plan_detail,
    plan_list,
    plan_move,
    plan_progress,
    plan_publish,
    plan_replan,
)
from .queue import queue, queue_assign
from .weather import weather, weather_notice

__all__ = [
    "plan_create", "plan_detail", "plan_list", "plan_move", "plan_progress", "plan_publish",
    "plan_replan", "queue", "queue_assign", "request_clock", "weather", "weather_notice",
]
