"""Maintenance plan create/edit (PM-1): per product model, by time or by meter."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.core.exceptions import ConflictError
from aftersales.core.forms import apply_errors
from aftersales.core.querysets import get_restricted
from aftersales.core.views import roles_required

from ..forms import PlanForm
from ..models import PLAN_EDITORS, MaintenancePlan
from ..services import maintenance_plan_create, maintenance_plan_update


@roles_required(PLAN_EDITORS)
def plan_edit(request, pk: int | None = None):
    plan = get_restricted(MaintenancePlan.objects, request.user, "change", pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            if plan is None:
                plan = maintenance_plan_create(actor=request.user, **data)
                messages.success(request, _("Maintenance plan %(plan)s created.") % {"plan": plan})
            else:
                expected = request.POST.get("version")
                plan = maintenance_plan_update(
                    actor=request.user, plan=plan,
                    expected_version=int(expected) if (expected or "").isdigit() else None, **data)
                messages.success(request, _("Maintenance plan %(plan)s saved.") % {"plan": plan})
            return redirect("maintenance:home")
        except ValidationError as exc:
            apply_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
    return render(request, "maintenance/plan_form.html", {"form": form, "plan": plan})
