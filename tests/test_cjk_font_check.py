"""Without a CJK font every Chinese character in the browser tests and screenshots is a box:
the browser tests then skip with a clear message, and fail the run under CI=true."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
PYTEST = Path(sys.executable).parent / "pytest"


def _run_browser_tests_without_fonts(tmp_path, **extra):
    config = tmp_path / "fonts.conf"  # fontconfig that knows no font at all
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                      "<fontconfig></fontconfig>\n")
    env = os.environ | {"FONTCONFIG_FILE": str(config), "CHROMIUM_PATH": sys.executable,
                        "CI": "false"} | extra  # any existing file passes the Chromium check
    return subprocess.run([PYTEST, "-q", "-rs", "-p", "no:randomly", "tests/test_browser_survey.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_browser_tests_skip_with_a_clear_message_without_a_cjk_font(tmp_path):
    done = _run_browser_tests_without_fonts(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no CJK font" in done.stdout and "fonts-noto-cjk" in done.stdout
    assert " passed" not in done.stdout and " failed" not in done.stdout


def test_under_ci_a_missing_cjk_font_fails_the_run(tmp_path):
    done = _run_browser_tests_without_fonts(tmp_path, CI="true")
    assert done.returncode != 0
    assert "CI=true and no CJK font" in done.stdout + done.stderr
