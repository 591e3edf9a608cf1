"""The documents' default service commitments (domain.md DS-3, DS-4, SR-6, CP-15)."""

from decimal import Decimal

DEFAULT_POLICIES = [
    # kind, region, hours, extended hours, counts working time only
    ("arrival", "urban", "6", None, True),
    ("arrival", "suburban", "7", None, True),
    ("resolution", "", "24", "48", False),
    ("reply", "", "4", None, False),
    ("complaint_reply", "", "24", None, False),
]


def ensure_default_policies(policy_model=None) -> None:
    """Create each default policy that has no row yet (data migration, and an emptied table)."""
    if policy_model is None:
        from .models import DeadlinePolicy as policy_model
    for kind, region, hours, extended, working in DEFAULT_POLICIES:
        policy_model.objects.get_or_create(
            kind=kind, region_kind=region, active=True,
            defaults={"hours": Decimal(hours),
                      "extended_hours": Decimal(extended) if extended else None,
                      "working_time": working, "warn_at_percent": 75})
