"""Every write of the maintenance app (house style rule 1): installation checklists and photos,
maintenance plans, meter readings and the generation of due visits."""

from .generate import maintenance_visits_generate, meter_visits_generate
from .installation import (
    checklist_answers_save,
    installation_complete_check,
    installation_photo_add,
    installation_record,
)
from .plans import (
    maintenance_plan_create,
    maintenance_plan_update,
    maintenance_visit_record,
    meter_reading_add,
)

__all__ = [
    "checklist_answers_save", "installation_complete_check", "installation_photo_add",
    "installation_record", "maintenance_plan_create", "maintenance_plan_update",
    "maintenance_visit_record", "maintenance_visits_generate", "meter_reading_add",
    "meter_visits_generate",
]
