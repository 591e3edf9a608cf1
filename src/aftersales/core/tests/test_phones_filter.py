"""``|phone``: stored numbers shown as people read them, the same on every page."""

from django.template import Context, Template


def render(value) -> str:
    return Template("{% load phones %}{{ value|phone }}").render(Context({"value": value}))


def test_numbers_read_as_people_write_them():
    assert render("+8613800138000") == "138 0013 8000"
    assert render("+862168888888") == "021 6888 8888"
    assert render("+85291234567") == "+852 9123 4567"


def test_what_is_not_a_number_is_shown_as_it_is():
    assert render("请联系前台") == "请联系前台"
    assert render("") == "" and render(None) == ""
