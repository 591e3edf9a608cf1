#!/usr/bin/env python3
"""Update and compile the translations of one or more apps (default: all).

    .venv/bin/python scripts/i18n.py [app ...]

Each app keeps its own ``locale/`` (zh_Hans, zh_Hant, en). Message ids are English; you write
the zh_Hans translations; zh_Hant entries that are empty (or fuzzy) are filled from zh_Hans by
OpenCC (Simplified → Traditional, Taiwan phrasing), and may then be corrected by hand.
"""

import subprocess
import sys
from pathlib import Path

import polib
from opencc import OpenCC

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "aftersales"
BIN = ROOT / ".venv" / "bin"
LOCALES = ["zh_Hans", "zh_Hant", "en"]
to_traditional = OpenCC("s2twp")


def apps(names: list[str]) -> list[Path]:
    if names:
        return [PACKAGE / name for name in names]
    return sorted(p.parent for p in PACKAGE.glob("*/apps.py"))


def fill_traditional(app: Path) -> int:
    hans = app / "locale/zh_Hans/LC_MESSAGES/django.po"
    hant = app / "locale/zh_Hant/LC_MESSAGES/django.po"
    if not (hans.exists() and hant.exists()):
        return 0
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(hans)) if e.translated()}
    target = polib.pofile(str(hant))
    filled = 0
    for entry in target:
        src = source.get((entry.msgctxt, entry.msgid))
        if src is None or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {k: to_traditional.convert(v) for k, v in src.msgstr_plural.items()}
        else:
            entry.msgstr = to_traditional.convert(src.msgstr)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    target.save()
    return filled


def main() -> None:
    for app in apps(sys.argv[1:]):
        (app / "locale").mkdir(exist_ok=True)
        args = [str(BIN / "aftersales"), "makemessages", "--no-obsolete", "--ignore=tests/*",
                "--ignore=migrations/*", *[f"-l{loc}" for loc in LOCALES]]
        subprocess.run(args, cwd=app, check=True, capture_output=True)
        filled = fill_traditional(app)
        subprocess.run([str(BIN / "aftersales"), "compilemessages"], cwd=app, check=True,
                       capture_output=True)
        print(f"{app.name}: messages updated, {filled} zh_Hant entries filled from zh_Hans")


if __name__ == "__main__":
    main()
