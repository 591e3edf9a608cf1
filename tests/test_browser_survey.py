"""A customer answers the satisfaction survey on a phone (FB-1, FB-2, FB-4), in Debian's chromium:
the link from the text message, four big-button questions, a comment, "may we call you?", the
thank-you page, and the same link refusing a second answer.

Set SCREENSHOT_DIR to keep the phone screenshot of the survey page (docs/screenshots/).
"""

import os
from pathlib import Path

import pytest
from conftest import login
from django.utils import timezone

from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback import services
from aftersales.feedback.choices import CaseStatus
from aftersales.feedback.models import FollowUpCall, FollowUpCase, OutboundMessage, VisitTask
from aftersales.feedback.tests.helpers import LINK, completed_job, sms_lines, survey_of, token_in
from aftersales.service.tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/feedback")


@pytest.fixture
def outbox(settings, tmp_path, live_server):
    settings.SMS_BACKEND = "aftersales.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SITE_URL = live_server.url
    return tmp_path / "sms"


def _sent_link(request, outbox) -> str:
    survey = survey_of(request)
    services.survey_send(survey_id=survey.pk, now=survey.due_at)
    for message in OutboundMessage.objects.filter(survey=survey):
        services.message_deliver(message_id=message.pk)
    [sms] = sms_lines(outbox)
    assert sms["text"].rstrip().endswith("/")  # the link ends the message: phones link it whole
    return LINK.search(sms["text"]).group(0)


def _tap(page, question: str, answer: str):
    option = page.locator(f"#q-{question} label.opt").filter(
        has=page.get_by_text(answer, exact=True))
    option.tap()


def test_customer_answers_the_survey_on_a_phone(phone_page, live_server, outbox):
    page = phone_page
    cast = Cast()
    cast.technician.last_name, cast.technician.first_name = "张", "师傅"
    cast.technician.save()
    customer = CustomerFactory(name="林女士", phone="+8613811118888", service_centre=cast.centre)
    request = completed_job(cast, customer=customer, days_ago=1)
    link = _sent_link(request, outbox)
    token = token_in(link)

    page.goto(link)
    assert page.get_by_role("heading", name="您对本次服务满意吗？").is_visible()
    assert page.get_by_text("张师傅").first.is_visible()
    # Big tap targets, and nothing wider than the phone.
    box = page.locator("#q-attitude label.opt").first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 60
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    _tap(page, "attitude", "很满意")
    _tap(page, "skill", "很满意")
    _tap(page, "punctuality", "很不满意")
    page.fill("textarea[name=comment]", "师傅修得很好，就是迟到了一个多小时，也没有提前打电话。")
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Forgot one question: the page says which, nothing is saved.
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").tap()
    assert page.get_by_text("请回答标红的问题。").is_visible()
    assert page.locator("fieldset.q.has-error").count() == 2  # keeping promises, may we call
    assert survey_of(request).answered_at is None
    # What was chosen is still chosen.
    assert page.locator("#q-punctuality input[value='1']").is_checked()
    assert "迟到" in page.input_value("textarea[name=comment]")

    # Start again from the link, answer everything.
    page.goto(link)
    _tap(page, "attitude", "很满意")
    _tap(page, "skill", "很满意")
    _tap(page, "punctuality", "很不满意")
    _tap(page, "promise", "满意")
    page.fill("textarea[name=comment]", "师傅修得很好，就是迟到了一个多小时，也没有提前打电话。")
    _tap(page, "may_call", "可以，欢迎来电")
    page.screenshot(path=str(SHOTS / "survey-phone.png"), full_page=True)
    if os.environ.get("SCREENSHOT_DIR"):
        target = Path(os.environ["SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / "survey-phone.png"), full_page=True)
    page.get_by_role("button", name="提交评价").tap()
    page.wait_for_url("**/s/thanks/**")
    assert page.get_by_role("heading", name="谢谢您！").is_visible()
    page.screenshot(path=str(SHOTS / "survey-thanks.png"), full_page=True)

    survey = survey_of(request)
    assert (survey.attitude, survey.skill, survey.punctuality, survey.promise) == (4, 4, 1, 3)
    assert survey.may_call and survey.answered_via == "sms"
    assert "迟到" in survey.comment
    # The lowest level on arrival time is serious: a case for the service department at once.
    case = FollowUpCase.objects.get(survey=survey)
    assert case.serious and case.status == CaseStatus.OPEN

    # The link works once.
    page.goto(f"{live_server.url}/s/{token}/")
    assert page.get_by_role("heading", name="这份调查已经回答过了").is_visible()
    assert page.locator("form textarea").count() == 0
    page.screenshot(path=str(SHOTS / "survey-used.png"), full_page=True)


def test_survey_in_english_and_a_forged_link(phone_page, live_server, outbox):
    page = phone_page
    request = completed_job(Cast(), customer=CustomerFactory(phone="+8613811119999"), days_ago=1)
    link = _sent_link(request, outbox)
    page.goto(link + "?lang=en")
    assert page.get_by_role("heading", name="How did we do?").is_visible()
    page.get_by_role("link", name="繁體").tap()
    page.wait_for_url("**/?lang=zh-hant")
    assert page.get_by_role("heading", name="您對本次服務滿意嗎？").is_visible()
    page.screenshot(path=str(SHOTS / "survey-hant.png"), full_page=True)

    page.goto(f"{live_server.url}/s/forged-token-123/")
    assert page.get_by_role("heading", name="我们无法打开这份调查").is_visible()
    page.screenshot(path=str(SHOTS / "survey-forged.png"), full_page=True)


def test_agent_calls_back_and_manager_settles_the_complaint(page, live_server, outbox):
    """Desktop: the call list, a call with its script, a complaint on the phone; the case page,
    the supervisor's visit, the outcome to the customer, the call after the complaint."""
    cast = Cast()
    customer = CustomerFactory(name="郑先生", phone="+8613822223333", service_centre=cast.centre)
    request = completed_job(cast, customer=customer, days_ago=1)
    FollowUpCall.objects.filter(request=request).update(due_at=timezone.now())
    SHOTS.mkdir(parents=True, exist_ok=True)

    login(page, live_server, cast.agent.username)
    page.goto(f"{live_server.url}/feedback/calls/")
    page.get_by_role("link", name="郑先生").click()
    assert page.get_by_role("heading", name="回访话术").is_visible()
    assert page.locator("a[href='tel:+8613822223333']").is_visible()
    page.screenshot(path=str(SHOTS / "call-page.png"), full_page=True)
    page.get_by_label("已接通客户").check()
    page.fill("textarea[name=o-note]", "客户投诉师傅多收了上门费")
    page.get_by_label("客户有投诉：开立回访工单").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("已登记回访").is_visible()
    case = FollowUpCase.objects.get(call__request=request)
    assert VisitTask.objects.filter(case=case, assigned_to=cast.supervisor).exists()

    page.context.clear_cookies()
    login(page, live_server, cast.supervisor.username)
    page.goto(f"{live_server.url}/feedback/visits/")
    page.screenshot(path=str(SHOTS / "visits.png"), full_page=True)
    page.get_by_text("登记拜访").click()
    page.fill(f"textarea[name=v{case.visits.get().pk}-report]", "上门道歉，退还上门费 50 元")
    page.get_by_role("button", name="已拜访").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("拜访已登记").is_visible()

    page.context.clear_cookies()
    login(page, live_server, cast.manager.username)
    page.goto(f"{live_server.url}/feedback/cases/")
    page.screenshot(path=str(SHOTS / "cases.png"), full_page=True)
    page.get_by_role("link", name=case.number).click()
    page.fill("textarea[name=take_up-note]", "已致电客户致歉，核实收费")
    page.get_by_role("button", name="受理并答复客户").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=tell_customer-outcome]", "经核实多收上门费 50 元，已退还，并对师傅进行了批评教育。")
    page.get_by_role("button", name="告知客户处理结果").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "case-page.png"), full_page=True)
    page.get_by_role("button", name="结案").click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert FollowUpCall.objects.filter(case=case, kind="after_complaint").exists()
    page.goto(f"{live_server.url}/feedback/surveys/")
    page.screenshot(path=str(SHOTS / "surveys.png"), full_page=True)
