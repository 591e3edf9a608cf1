"""Producing a report in tests: through the services, computed in-process (the worker tests
run the same through a real worker)."""

from aftersales.reports import services
from aftersales.reports.models import Report

from .scenario import D, now_after


def produced(kind: str, scenario, *, day=D, actor=None, centre=None) -> Report:
    actor = actor or scenario.hq
    run = services.report_produce(actor=actor, kind=kind, centre=centre or scenario.centre,
                                  day=day)
    services.report_run_execute(run_id=run.pk, now=now_after())
    return Report.objects.get(pk=run.report_id)
