"""Planning of technicians' days, independent of Django and of any one solver.

``model`` holds the problem and the plan, ``travel`` the travel-time matrices, ``rotation`` the
DS-2 baseline (jobs handed out in turn), ``pyvrp_solver`` the optimised day plan (large days
per district through ``partition`` and ``decompose``), ``evaluate`` the measures and feasibility
checks that every planner is judged by.
"""

from .evaluate import Evaluation, Violation, evaluate
from .model import (
    Deferral,
    Explanation,
    Job,
    Location,
    Plan,
    Problem,
    Route,
    Technician,
    Visit,
    at_minutes,
    minutes_from_midnight,
)
from .rotation import RotationResult, Skip, rotation_plan
from .travel import EuclideanTravel, GreatCircleTravel, MatrixTravel, TravelTimeMatrix

__all__ = [
    "Deferral",
    "EuclideanTravel",
    "Evaluation",
    "Explanation",
    "GreatCircleTravel",
    "Job",
    "Location",
    "MatrixTravel",
    "Plan",
    "Problem",
    "RotationResult",
    "Route",
    "Skip",
    "Technician",
    "TravelTimeMatrix",
    "Violation",
    "Visit",
    "at_minutes",
    "evaluate",
    "minutes_from_midnight",
    "rotation_plan",
]
