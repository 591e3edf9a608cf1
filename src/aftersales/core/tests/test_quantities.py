from decimal import Decimal

import pytest
from django.template import Context, Template


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("10.000"), "10"), (Decimal("1E+1"), "10"), (Decimal("2.500"), "2.5"),
    (Decimal("0.125"), "0.125"), (Decimal("1200"), "1200"), (3, "3"), (None, ""),
])
def test_quantities_read_as_people_write_them(value, shown):
    rendered = Template("{% load quantities %}{{ q|qty }}").render(Context({"q": value}))
    assert rendered == shown
