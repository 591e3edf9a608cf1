"""``aftersales daily`` runs every area's sweep; a second run the same day changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command, get_commands

from aftersales.core.models import Event
from aftersales.web.management.commands.daily import SWEEPS

pytestmark = pytest.mark.django_db


def test_every_sweep_named_is_a_command():
    assert {name for name, _what in SWEEPS} <= set(get_commands())


def test_daily_runs_every_sweep_and_twice_is_once():
    out = StringIO()
    call_command("daily", stdout=out)
    text = out.getvalue()
    assert all(f"{name}:" in text for name, _what in SWEEPS)
    events = Event.objects.count()
    call_command("daily", stdout=StringIO())
    assert Event.objects.count() == events
