"""The language switch names each language in its own name, whatever the page's language."""

import re

import pytest
from django.urls import reverse

NATIVE = ["简体中文", "繁體中文", "English"]
BUTTON = re.compile(r'<button[^>]*name="language"[^>]*>([^<]*)</button>')

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("page", ["web:login", "portal:login"])
def test_each_language_in_its_own_name(client, language, page):
    client.cookies["django_language"] = language
    html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}"' in html
    assert BUTTON.findall(html) == NATIVE
    assert "英语" not in html and "英語" not in html
