"""The seed's departments, route step limits, approval authorities and policy (seed 000)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from aftersales.complaints import defaults

    Department = apps.get_model("complaints", "Department")
    RouteStep = apps.get_model("complaints", "RouteStep")
    ApprovalAuthority = apps.get_model("complaints", "ApprovalAuthority")
    ComplaintPolicy = apps.get_model("complaints", "ComplaintPolicy")
    departments = {}
    for code, kind, name in defaults.DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"kind": str(kind), "name": name})
    for step, department, domestic, foreign in defaults.ROUTE:
        RouteStep.objects.get_or_create(code=str(step), defaults={
            "department": departments[department], "days_domestic": domestic,
            "days_foreign": foreign})
    for level, name, limit in defaults.AUTHORITIES:
        ApprovalAuthority.objects.get_or_create(level=level, defaults={"name": name,
                                                                       "max_amount": limit})
    ComplaintPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
