"""core.views.service_run: a page's POST calls a service and shows its outcome the same way
everywhere (dealers' and parts' step pages use it)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.views import service_run


@pytest.fixture
def request_():
    request = RequestFactory().post("/somewhere/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


class NoteForm(forms.Form):
    note = forms.CharField(required=False)


def fails(error):
    def call():
        raise error
    return call


def test_a_service_that_goes_through_returns_true_and_says_nothing(request_):
    done = []
    assert service_run(request_, lambda: done.append(1)) is True
    assert done == [1] and not list(get_messages(request_))


def test_its_errors_go_next_to_the_forms_fields_or_into_a_message(request_):
    form = NoteForm(data={"note": "x"})
    assert form.is_valid()
    error = ValidationError({"note": ["太长了"], "other": ["别处的错"]})
    assert service_run(request_, fails(error), form=form) is False
    assert form.errors["note"] == ["太长了"] and form.non_field_errors() == ["别处的错"]
    assert not list(get_messages(request_))
    assert service_run(request_, fails(ValidationError("库存不足"))) is False
    assert [str(m) for m in get_messages(request_)] == ["库存不足"]


def test_a_conflict_is_a_message_and_a_refusal_a_403(request_):
    assert service_run(request_, fails(ConflictError("已被他人修改"))) is False
    assert [str(m) for m in get_messages(request_)] == ["已被他人修改"]
    with pytest.raises(Forbidden, match="无权操作"):
        service_run(request_, fails(PermissionDenied("无权操作")))
