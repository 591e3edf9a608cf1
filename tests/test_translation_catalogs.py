"""Each app keeps its own catalog, and Django merges them: for a message id in several apps the
first app's translation (in INSTALLED_APPS order) is the one every page shows. A different
translation in a later app is dead text — and wrong on its pages when it meant something else
(care's "to", a recipient, read 新状态, the state an event moved to). So a message id reads the
same in every catalog; a word with another meaning takes a context (pgettext, or
``{% translate "…" context "…" %}``)."""

from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.apps import apps


def _catalogs(language: str):
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / language / "LC_MESSAGES" / "django.po"
        if config.name.startswith("aftersales.") and path.exists():
            yield config.label, polib.pofile(str(path))


def _clashes(catalogs) -> list[str]:
    """The message ids that ``catalogs`` ((app, POFile) pairs) translate in more than one way."""
    readings = defaultdict(dict)
    for app, catalog in catalogs:
        for entry in catalog:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            text = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            if text:
                readings[(entry.msgctxt, entry.msgid)][app] = text
    return [f"{msgid!r}{f' [{context}]' if context else ''}: "
            + "; ".join(f"{app}={text}" for app, text in by_app.items())
            for (context, msgid), by_app in readings.items() if len(set(by_app.values())) > 1]


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_a_message_reads_the_same_in_every_app(language):
    clashes = _clashes(_catalogs(language))
    assert not clashes, ("translated differently by different apps (the first app's wins "
                         "everywhere; give a different meaning a context):\n" + "\n".join(clashes))


def test_the_check_sees_a_clash_and_not_a_context():
    core, care = polib.POFile(), polib.POFile()
    core.append(polib.POEntry(msgid="to", msgstr="新状态"))
    care.append(polib.POEntry(msgid="to", msgstr="收件人"))
    assert _clashes([("core", core), ("care", care)]) == ["'to': core=新状态; care=收件人"]
    care[0].msgctxt = "recipient"
    assert _clashes([("core", core), ("care", care)]) == []
