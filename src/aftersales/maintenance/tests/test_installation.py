"""Installation jobs (WK-5, WK-6, AR-3): checklist, photos, completion sets the phase."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.attachments import attachment_list
from aftersales.core.events import event_list
from aftersales.core.exceptions import PermissionDenied
from aftersales.customers.choices import Phase
from aftersales.customers.tests.factories import CustomerFactory, InstalledProductFactory
from aftersales.maintenance.models import ChecklistItem
from aftersales.maintenance.services import checklist_answers_save, installation_photo_add
from aftersales.service import services
from aftersales.service.choices import Kind, Status
from aftersales.service.tests.factories import SIGNATURE, Cast, drive

from .factories import PNG, checklist_items

pytestmark = pytest.mark.django_db


def _installation(cast):
    checklist_items()
    customer = CustomerFactory(service_centre=cast.centre)
    product = InstalledProductFactory(customer=customer, installed_on=None)
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=product,
        description="新机安装", kind=Kind.INSTALLATION)
    return drive(request, cast, Status.ON_SITE)


def _tick_all(cast, request):
    answers = {item.pk: {"done": True, "value": "0.02MPa" if item.needs_value else ""}
               for item in ChecklistItem.objects.filter(active=True)}
    checklist_answers_save(actor=cast.technician, request=request, answers=answers)


def _complete(cast, request):
    services.service_request_record_work(actor=cast.technician, request=request,
                                         fault_found="新机安装", fault_cause="—",
                                         action_taken="安装调试完成")
    return services.service_request_complete(actor=cast.technician, request=request,
                                             signer_name="张三", signature=SIGNATURE)


def test_kind_defaults_to_repair_and_installation_needs_a_product():
    cast = Cast()
    customer = CustomerFactory(service_centre=cast.centre)
    repair = services.service_request_create(actor=cast.agent, customer=customer,
                                             description="不点火")
    assert repair.kind == Kind.REPAIR
    with pytest.raises(ValidationError) as exc:
        services.service_request_create(actor=cast.agent, customer=customer,
                                        description="安装", kind=Kind.INSTALLATION)
    assert "installed_product" in exc.value.message_dict


def test_completion_is_refused_until_the_checklist_is_complete_and_then_sets_the_phase(clock_at):
    clock_at(10, 0)
    cast = Cast()
    request = _installation(cast)
    product = request.installed_product
    assert product.phase == Phase.UNBOXING
    with pytest.raises(ValidationError) as exc:
        _complete(cast, request)
    assert exc.value.code == "checklist_incomplete"
    request.refresh_from_db()
    product.refresh_from_db()
    assert request.status == Status.ON_SITE and product.installed_on is None  # rolled back

    # a reading item ticked without its reading is refused
    reading_item = ChecklistItem.objects.filter(needs_value=True).first()
    with pytest.raises(ValidationError):
        checklist_answers_save(actor=cast.technician, request=request,
                               answers={reading_item.pk: {"done": True, "value": ""}})
    _tick_all(cast, request)
    request.refresh_from_db()
    _complete(cast, request)
    product.refresh_from_db()
    assert product.installed_on is not None and product.installed_on <= date.today()
    assert product.phase == Phase.IN_WARRANTY


def test_photos_are_checked_and_stored_for_the_job_technician_only(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    cast = Cast()
    request = _installation(cast)
    installation_photo_add(actor=cast.technician, request=request,
                           upload=SimpleUploadedFile("unboxing.png", PNG, "image/png"))
    assert [a.name for a in attachment_list(request, "installation")] == ["unboxing.png"]
    with pytest.raises(ValidationError):
        installation_photo_add(actor=cast.technician, request=request,
                               upload=SimpleUploadedFile("x.png", b"not an image", "image/png"))
    other = Cast()
    with pytest.raises(PermissionDenied):
        installation_photo_add(actor=other.technician, request=request,
                               upload=SimpleUploadedFile("y.png", PNG, "image/png"))
    assert attachment_list(request, "installation").count() == 1


def test_a_repair_job_completes_without_a_checklist():
    cast = Cast()
    request = drive(services.service_request_create(
        actor=cast.agent, customer=CustomerFactory(service_centre=cast.centre),
        installed_product=None, description="不点火", internal=True), cast, Status.COMPLETED)
    assert request.status == Status.COMPLETED


def test_a_dealers_installation_sets_the_installation_date(clock_at):
    from aftersales.dealers import services as dealers
    from aftersales.dealers.tests.factories import dealer_login, dealer_make, region_make

    clock_at(10, 0, day=date(2026, 11, 20), tick=False)
    cast = Cast()
    region = region_make("PD", "浦东", "浦东新区")
    dealer = dealer_make("D1", "甲经销商", region, centre=cast.centre)
    user = dealer_login(dealer, "dl-install")
    customer = CustomerFactory(service_centre=cast.centre, address="上海市浦东新区张江路1号")
    product = InstalledProductFactory(customer=customer, installed_on=None)
    assert product.phase == Phase.UNBOXING
    request = services.service_request_create(
        actor=cast.agent, customer=customer, installed_product=product,
        description="新机安装", kind=Kind.INSTALLATION)
    job = dealers.job_hand_to_dealer(actor=cast.supervisor, job=request, dealer=dealer)
    dealers.dealer_job_complete(actor=user, job=job, fault_found="新机安装", fault_cause="—",
                                action_taken="安装调试完成", confirmed_by="张三")
    product.refresh_from_db()
    assert product.installed_on == date(2026, 11, 20)
    assert product.phase == Phase.IN_WARRANTY
    assert "installation_accepted" in [e.action for e in event_list(request)]
