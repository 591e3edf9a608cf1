"""The customer's survey page: no sign-in, phone first, in his language (FB-1, FB-2).

A link that does not open a survey (forged, tampered, expired, used) gets a friendly page that
says what to do and nothing about whose survey it was.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aftersales.accounts.choices import Role
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import apply_errors

from .. import selectors, services
from ..forms import SurveyForm

UNAVAILABLE_STATUS = {"invalid": 404, "used": 410, "expired": 410, "not_ready": 409}


def _language(request) -> str:
    """``?lang=`` first, then the browser's (Accept-Language, via LocaleMiddleware)."""
    wanted = (request.GET.get("lang") or request.POST.get("lang") or "").lower()
    if wanted in dict(settings.LANGUAGES):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
    return translation.get_language()


def _unavailable(request, reason: str):
    return render(request, "feedback/survey/unavailable.html", {"reason": reason,
                                                                 "lang": translation.get_language()},
                  status=UNAVAILABLE_STATUS.get(reason, 404))


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    lang = _language(request)
    try:
        survey = services.survey_link_open(token=token)
    except services.SurveyUnavailable as exc:
        return _unavailable(request, exc.reason)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(token=token, **form.service_kwargs())
        except services.SurveyUnavailable as exc:
            return _unavailable(request, exc.reason)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(f"{reverse('survey:thanks')}?lang={lang}")
    sr = survey.request
    product = sr.installed_product
    context = {
        "form": form,
        "items": [form[item] for item in SurveyForm.ITEMS],
        "lang": lang,
        "service_day": sr.completed_at,
        "technician": survey.technician,
        "product": product.model.name if product else "",
        "number": sr.number,
        "languages": settings.LANGUAGES,
    }
    return render(request, "feedback/survey/answer.html", context,
                  status=400 if form.is_bound and form.errors else 200)


@never_cache
def thanks(request):
    _language(request)
    return render(request, "feedback/survey/thanks.html", {"lang": translation.get_language()})


@never_cache
def survey_for_request(request, number: str):
    """From the portal page of a completed job (the voucher's QR code): the customer's survey."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    if request.user.role != Role.CUSTOMER:
        return redirect(f"{reverse('feedback:surveys')}?q={number}")
    sr = selectors.survey_for_request_get(user=request.user, number=number)
    try:
        token = services.survey_link_for_customer(actor=request.user, request=sr)
    except PermissionDenied:
        raise Http404 from None
    except services.SurveyUnavailable as exc:
        return _unavailable(request, "not_ready" if exc.reason == "invalid" else exc.reason)
    return redirect("survey:answer", token=token)

