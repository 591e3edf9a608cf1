"""Internal rule ids (SR-4, DS-3, AR-4, RP-3 …) are for the documents and the code, never for the
screens: no page a user opens and no message of any catalogue shows one.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aftersales.customers.tests.factories import InstalledProductFactory
from aftersales.portal.tests.helpers import portal_user_for
from aftersales.reports.choices import ReportKind
from aftersales.reports.services import report_get_or_create
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.tests.factories import Cast, drive, new_request

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "aftersales"
# Two capitals, a hyphen and a number, not glued to other letters or digits ("IGN-0101" is a
# part code, "到场时限（DS-3）" is a rule id).
RULE_ID = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}-\d{1,2}(?!\d)")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "value"}


class _VisibleText(HTMLParser):
    """Text nodes and the attributes a user reads (tooltips, placeholders); no scripts, styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def assert_no_rule_id(response, where: str):
    assert response.status_code == 200, (where, response.status_code)
    text = visible_text(response.content.decode())
    found = sorted(set(RULE_ID.findall(text)))
    assert not found, f"{where} shows rule ids {found}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_main_pages_show_no_rule_ids(client, language):
    cast = Cast()
    old = InstalledProductFactory(purchased_on=date.today() - timedelta(days=3 * 365))
    waiting = new_request(cast, customer=old.customer, product=old)  # needs agreement (SR-4)
    queued = drive(new_request(cast), cast, Status.REGISTERED)
    job = drive(new_request(cast), cast, Status.ON_SITE)
    done = drive(new_request(cast), cast, Status.COMPLETED)
    report = report_get_or_create(kind=ReportKind.MONTHLY_HOURS, centre=cast.centre,
                                  day=date.today())  # was headed "RP-3"
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    client.force_login(cast.supervisor)
    client.cookies["django_language"] = language
    pages = {
        "desk list": reverse("service:list"),
        "request page": reverse("service:detail", args=[queued.pk]),
        "waiting request page": reverse("service:detail", args=[waiting.pk]),
        "intake": reverse("service:intake"),
        "intake terms": reverse("service:intake_terms") + (
            f"?customer={old.customer.pk}&installed_product={old.pk}"),
        "dispatch queue": reverse("dispatch:queue"),
        "surveys": reverse("feedback:surveys"),
        "visits": reverse("feedback:visits"),
        "reports": reverse("reports:index"),
        "report": reverse("reports:detail", args=[report.pk]),
    }
    for where, url in pages.items():
        assert_no_rule_id(client.get(url, **headers), where)

    client.force_login(cast.technician)
    client.cookies["django_language"] = language
    assert_no_rule_id(client.get(reverse("field:job", args=[job.pk]), **headers), "job")
    assert_no_rule_id(client.get(reverse("field:print_voucher", args=[done.pk]), **headers),
                      "voucher")

    client.force_login(portal_user_for(done.customer))
    client.cookies["django_language"] = language
    assert_no_rule_id(client.get(reverse("portal:home"), **headers), "portal home")
    assert_no_rule_id(client.get(reverse("portal:request", args=[done.number]), **headers),
                      "portal request")


@pytest.mark.django_db
def test_completing_before_recording_the_work_says_so_without_a_rule_id():
    cast = Cast()
    job = drive(new_request(cast), cast, Status.ON_SITE)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.service_request_complete(actor=cast.technician, request=job, signer_name="张三",
                                          signature="data:image/png;base64,AAAA")
    message = " ".join(caught.value.messages)
    assert "故障" in message and not RULE_ID.search(message)


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant", "en"])
def test_no_catalogue_message_carries_a_rule_id(locale):
    """Every compiled catalogue, and every English msgid (shown as is where not translated)."""
    found = []
    for mo in sorted(PACKAGE.glob(f"*/locale/{locale}/LC_MESSAGES/django.mo")):
        for entry in polib.mofile(str(mo)):
            texts = [entry.msgid, entry.msgstr, *entry.msgstr_plural.values()]
            found += [(mo.parts[-5], text) for text in texts if text and RULE_ID.search(text)]
    for po in sorted(PACKAGE.glob(f"*/locale/{locale}/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po)):
            if not entry.obsolete and RULE_ID.search(entry.msgid + (entry.msgid_plural or "")):
                found.append((po.parts[-5], entry.msgid))
    assert not found, found
