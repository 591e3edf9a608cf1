"""Rotation (DS-2): jobs go to technicians in turn, equal chances; one who lacks the skill or is
still out on another job is skipped this turn, and the reason is recorded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role

from .models import RotationState, TechnicianProfile
from .technicians import availability_gap, open_jobs_today, required_skill, skill_gap


def rotation_order(centre) -> list[TechnicianProfile]:
    return list(
        TechnicianProfile.objects.filter(user__service_centre=centre, user__is_active=True,
                                         user__role=Role.TECHNICIAN)
        .select_related("user").prefetch_related("skills", "certificates", "shifts")
        .order_by("rotation_rank", "user_id"))


def rotation_pick(*, request, centre, last_technician_id=None):
    """(chosen profile or None, [(technician, reason) skipped]) without changing anything."""
    profiles = rotation_order(centre)
    if not profiles:
        return None, []
    ids = [p.user_id for p in profiles]
    start = ids.index(last_technician_id) + 1 if last_technician_id in ids else 0
    day = timezone.localdate()
    jobs = open_jobs_today(ids, day)
    skill = required_skill(request)
    skipped = []
    for offset in range(len(profiles)):
        profile = profiles[(start + offset) % len(profiles)]
        reason = skill_gap(profile, skill, day) or availability_gap(profile, day, jobs.get(profile.user_id, 0))
        if reason is None:
            return profile, skipped
        skipped.append((profile.user, reason))
    return None, skipped


def service_request_assign_next(*, actor, request, note: str = "", expected_version=None):
    """Give the job to the next technician in the centre's persistent rotation."""
    from aftersales.service.services import service_request_assign

    with transaction.atomic():
        state, _created = RotationState.objects.get_or_create(service_centre=request.service_centre)
        state = RotationState.objects.select_for_update().get(pk=state.pk)
        chosen, skipped = rotation_pick(request=request, centre=request.service_centre,
                                        last_technician_id=state.last_technician_id)
        if chosen is None:
            reasons = "; ".join(f"{user}: {reason}" for user, reason in skipped)
            raise ValidationError(
                _("No technician can take this job now. %(reasons)s")
                % {"reasons": reasons or _("No technicians are set up for this centre.")})
        data = {"rotation": True, "skipped": [{"technician": u.pk, "name": str(u), "reason": str(r)}
                                              for u, r in skipped]}
        request = service_request_assign(actor=actor, request=request, technician=chosen.user,
                                         note=note, expected_version=expected_version,
                                         extra_data=data)
        state.last_technician = chosen.user
        state.turns += 1
        state.save(update_fields=["last_technician", "turns"])
    return request


