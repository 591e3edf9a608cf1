"""Pages' date-and-time fields refuse a UTC offset no time zone has, as the API and filters do."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from aftersales.feedback.forms import CallOutcomeForm
from aftersales.field.forms import RescheduleForm
from aftersales.service.forms import AssignForm


@pytest.mark.parametrize(("form", "field"), [
    (AssignForm, "appointment_at"), (RescheduleForm, "next_visit_at"),
    (CallOutcomeForm, "call_back_at"),
])
def test_an_offset_beyond_14_hours_is_a_form_error(form, field):
    forms_field = form.base_fields[field]
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            forms_field.clean("2026-01-01T00:00:00-21:49")
        assert "between -14:00 and +14:00" in " ".join(error.value.messages)
    assert forms_field.clean("2026-01-01T09:30:00+08:00").utcoffset().total_seconds() == 8 * 3600
