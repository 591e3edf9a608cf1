"""The main navigation: few links side by side, many links in groups (menus); the group of the
page the user is on is marked. Read from the rendered top bar, as a user gets it."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.web.context import FLAT_NAV_MAX, MONEY, SERVICE, nav_entries

pytestmark = pytest.mark.django_db


class _MainNav(HTMLParser):
    """The entries of <nav class="mainnav">: ("link", label, href, current) for a top-level link,
    ("group", label, css classes, [links]) for a <details> group."""

    def __init__(self):
        super().__init__()
        self.entries = []
        self._in_nav = False
        self._group = self._link = self._summary = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "mainnav" in (attrs.get("class") or "").split():
            self._in_nav = True
        elif not self._in_nav:
            return
        elif tag == "details":
            self._group = ["group", "", attrs.get("class", "").split(), []]
            self.entries.append(self._group)
        elif tag == "summary":
            self._summary = []
        elif tag == "a":
            self._link = ["link", "", attrs["href"], attrs.get("aria-current") == "page"]
            (self._group[3] if self._group else self.entries).append(self._link)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "details":
            self._group = None
        elif tag == "summary" and self._summary is not None:
            self._group[1], self._summary = "".join(self._summary).strip(), None
        elif tag == "a" and self._link:
            self._link[1], self._link = self._link[1].strip(), None

    def handle_data(self, data):
        if self._summary is not None:
            self._summary.append(data)
        elif self._link is not None:
            self._link[1] += data


def _nav(client, role, path):
    client.force_login(UserFactory(role=role))
    response = client.get(path)
    assert response.status_code == 200, path
    parser = _MainNav()
    parser.feed(response.content.decode())
    assert parser.entries, "no main navigation on the page"
    return response, parser.entries


def _shape(entries):
    """Top-level links by their address, groups as (label, [addresses of their links])."""
    return [e[2] if e[0] == "link" else (e[1], [link[2] for link in e[3]]) for e in entries]


def test_a_manager_gets_the_links_in_groups(client):
    response, entries = _nav(client, Role.MANAGER, reverse("reports:dashboard"))
    urls = lambda *names: [reverse(name) for name in names]  # noqa: E731
    assert _shape(entries) == [
        reverse("reports:dashboard"),
        (
            "服务",
            urls(
                "service:intake",
                "service:list",
                "customers:list",
                "dispatch:queue",
                "dispatch:plans",
                "field:workshop",
                "maintenance:home",
            ),
        ),
        (
            "客户与回访",
            urls(
                "feedback:calls",
                "feedback:cases",
                "feedback:visits",
                "feedback:surveys",
                "complaints:list",
                "care:home",
            ),
        ),
        (
            "配件与费用",
            urls(
                "parts:home",
                "billing:home",
                "invoicing:home",
                "customers:contracts",
                "warranty:home",
            ),
        ),
        ("渠道", urls("dealers:home", "shop:home")),
        reverse("reports:index"),
    ]
    labels = {link[1] for entry in entries if entry[0] == "group" for link in entry[3]}
    assert {"新叫修", "派工", "客户关怀", "配件", "三包处理", "经销商", "网店售后"} <= labels
    # the flat list stays in the context: the same 22 links, each once
    flat = [item["url"] for item in response.context["nav_items"]]
    shown = [e[2] for e in entries if e[0] == "link"] + [
        link[2] for e in entries if e[0] == "group" for link in e[3]
    ]
    assert sorted(flat) == sorted(shown) and len(flat) == 22


def test_the_group_labels_follow_the_language(client):
    client.force_login(UserFactory(role=Role.SUPERVISOR))
    parser = _MainNav()
    parser.feed(
        client.get(
            reverse("reports:dashboard"), headers={"accept-language": "zh-hant"}
        ).content.decode()
    )
    assert [e[1] for e in parser.entries if e[0] == "group"] == [
        "服務",
        "客戶與回訪",
        "配件與費用",
        "通路",
    ]
    parser = _MainNav()
    parser.feed(
        client.get(reverse("reports:dashboard"), headers={"accept-language": "en"}).content.decode()
    )
    assert [e[1] for e in parser.entries if e[0] == "group"] == [
        "Service",
        "Customers and follow-up",
        "Parts and money",
        "Partners",
    ]


def test_a_technician_gets_his_few_links_side_by_side(client):
    response, entries = _nav(client, Role.TECHNICIAN, reverse("field:jobs"))
    assert [e[0] for e in entries] == ["link"] * 5
    assert [e[1] for e in entries] == ["我的工单", "我的报表", "配件", "维修车间", "收费"]
    assert [e[3] for e in entries] == [True, False, False, False, False]
    assert "<details" not in response.content.decode()
    assert response.context["nav_entries"] == response.context["nav_items"]


def test_a_group_with_one_link_for_the_user_is_a_plain_link(client):
    # an agent sees 14 links, so groups; of the partners' pages only the online shops
    response, entries = _nav(client, Role.AGENT, reverse("service:list"))
    assert [e[1] for e in entries if e[0] == "group"] == ["服务", "客户与回访", "配件与费用"]
    assert ["link", "网店售后", reverse("shop:home"), False] in entries
    assert "经销商" not in response.content.decode()
    assert entries[-1][1] == "报表"  # the reports stay last


def test_the_group_of_the_current_page_is_marked(client):
    _, entries = _nav(client, Role.SUPERVISOR, reverse("parts:home") + "stock/")
    groups = {e[1]: e for e in entries if e[0] == "group"}
    assert "active" in groups["配件与费用"][2]
    assert [g for g, e in groups.items() if "active" in e[2]] == ["配件与费用"]
    current = [link for e in entries if e[0] == "group" for link in e[3] if link[3]]
    assert current == [["link", "配件", reverse("parts:home"), True]]


def test_on_a_top_level_page_no_group_is_marked(client):
    _, entries = _nav(client, Role.MANAGER, reverse("reports:dashboard"))
    assert not [e for e in entries if e[0] == "group" and "active" in e[2]]
    assert entries[0] == ["link", "看板", reverse("reports:dashboard"), True]


def _items(count, groups=(SERVICE, MONEY)):
    return [
        {"url": f"/p{i}/", "label": f"P{i}", "active": False, "group": groups[i % len(groups)]}
        for i in range(count)
    ]


def test_up_to_the_limit_the_links_stay_flat_and_past_it_they_are_grouped():
    assert nav_entries(_items(FLAT_NAV_MAX)) == _items(FLAT_NAV_MAX)
    grouped = nav_entries(_items(FLAT_NAV_MAX + 1))
    assert [entry["key"] for entry in grouped] == [SERVICE, MONEY]
    assert [item["url"] for item in grouped[0]["links"]] == ["/p0/", "/p2/", "/p4/", "/p6/"]
