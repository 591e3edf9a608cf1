"""The demo as a person runs it: `make demo` in a terminal, read the console, press Ctrl-C.

The demo runs with the local settings (the `aftersales` command's default) on a temporary SQLite
data directory, migrated once for this module; DEMO_SETUP=0 skips the demo data, to keep it fast.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT = 120  # seconds: a busy two-core machine starts Django slowly
STOP_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _local_env(data: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DEBUG", "LOG_FORMAT", "EMAIL_BACKEND", "SMS_BACKEND",
                        "LOG_LEVEL", "TASKS_BACKEND"}}
    return env | {"DJANGO_SETTINGS_MODULE": "aftersales.config.settings.local",
                  "AFTERSALES_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1", **extra}


def _aftersales(env: dict, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([BIN / "aftersales", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    done = _aftersales(_local_env(data), "migrate", "--noinput", "-v0", timeout=600)
    assert done.returncode == 0, done.stderr
    return data


def _group_pids(pgid: int) -> list[int]:
    """Processes still alive in the process group (zombies are dead: they only await reaping)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Demo:
    """The demo started as a terminal starts a command: its own process group, SIGINT default."""

    def __init__(self, command: list, env: dict, log: Path):
        self.port = int(env["PORT"])
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                urllib.request.urlopen(f"{self.base}/login/", timeout=5).read()
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        raise AssertionError(f"the demo did not answer in {START_TIMEOUT} s:\n{self.output()}")

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            response = urllib.request.urlopen(f"{self.base}{path}", timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.read().decode(), dict(response.headers)

    def ctrl_c(self) -> int:
        """SIGINT to the whole group, as a terminal does; the exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {STOP_TIMEOUT} s after Ctrl-C:\n"
                                 f"{self.output()}") from None

    def kill_leftovers(self) -> None:
        for _ in range(2):
            if self.process.poll() is None or _group_pids(self.process.pid):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(STOP_TIMEOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_for_worker(demo: Demo) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if any(" worker" in _cmdline(pid) for pid in _group_pids(demo.process.pid)):
            return
        time.sleep(0.2)
    raise AssertionError(f"no worker in the demo's process group:\n{demo.output()}")


def _stamp() -> str:
    checksum = subprocess.run(["cksum", "pyproject.toml"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.split()[0]
    return f".venv/.installed-{checksum}"


def test_ctrl_c_stops_make_demo_cleanly(demo_data, tmp_path):
    port = _free_port()
    env = _local_env(demo_data, DEMO_SETUP="0", PORT=str(port))
    # -o: the virtualenv counts as installed (the test must not reinstall packages).
    demo = Demo(["make", "-o", _stamp(), "demo", f"PORT={port}"], env, tmp_path / "demo.log")
    try:
        demo.wait_until_serving()
        _wait_for_worker(demo)
        time.sleep(1)  # the worker's signal handlers are in place once it polls
        status = demo.ctrl_c()
        output = demo.output()
        assert "Segmentation fault" not in output and "make: ***" not in output, output
        # make itself dies of the SIGINT it was sent (as after any Ctrl-C); its recipe exited 0.
        assert status in (0, 130, -signal.SIGINT), output
        time.sleep(1)
        assert _group_pids(demo.process.pid) == [], [
            _cmdline(pid) for pid in _group_pids(demo.process.pid)]
    finally:
        demo.kill_leftovers()


def test_demo_script_exits_0_and_shows_the_products_404_with_static_files(demo_data, tmp_path):
    port = _free_port()
    env = _local_env(demo_data, DEMO_SETUP="0", PORT=str(port), BIN=str(BIN))
    demo = Demo(["scripts/demo"], env, tmp_path / "demo.log")
    try:
        demo.wait_until_serving()
        status, html, _ = demo.get("/no-such-page/")
        assert status == 404 and "找不到页面" in html
        assert "URLconf" not in html and "Traceback" not in html
        status, login, _ = demo.get("/login/")
        assert status == 200 and "/static/web/app.css" in login
        status, css, headers = demo.get("/static/web/app.css")  # DEBUG off: WhiteNoise serves it
        assert status == 200 and ".topbar" in css and headers["Content-Type"].startswith("text/css")
        status, body, headers = demo.get("/api/v1/no-such-thing/")
        assert status == 404 and set(json.loads(body)) == {"detail"}
        _wait_for_worker(demo)
        time.sleep(1)
        assert demo.ctrl_c() in (0, 130), demo.output()
        assert "Demo stopped." in demo.output()
        time.sleep(1)
        assert _group_pids(demo.process.pid) == []
    finally:
        demo.kill_leftovers()


def test_local_settings_keep_debug_off_unless_asked(demo_data):
    code = ("from django.conf import settings; import django; django.setup(); "
            "print(settings.DEBUG, getattr(settings, 'WHITENOISE_USE_FINDERS', None))")
    done = subprocess.run([sys.executable, "-c", code], env=_local_env(demo_data), cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.stdout.split() == ["False", "True"], done.stderr
    done = subprocess.run([sys.executable, "-c", code], env=_local_env(demo_data, DEBUG="true"),
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_worker_in_the_demo_logs_no_line_per_task(demo_data):
    env = _local_env(demo_data)
    enqueue = ("from aftersales.core.tasks import enqueue; "
               "enqueue('aftersales.feedback.tasks.schedule_missing_surveys')")
    done = _aftersales(env, "shell", "-c", enqueue)
    assert done.returncode == 0, done.stderr
    done = _aftersales(env, "worker", "--burst")
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    count = ("from django_tasks_db.models import DBTaskResult; print(DBTaskResult.objects"
             ".filter(status='SUCCESSFUL', task_path__endswith='schedule_missing_surveys').count())")
    ran = _aftersales(env, "shell", "-c", count)
    assert int(ran.stdout.split()[-1]) >= 1, ran.stderr  # the worker did run the task
    assert "Task id=" not in output and "state=" not in output, output
    assert not [line for line in output.splitlines() if line.startswith("{")], output


def test_demo_console_shows_sms_and_mail_texts_framed_and_logs_as_plain_lines(demo_data):
    send = (
        "import logging; from django.core.mail import send_mail; "
        "from aftersales.core.sms import get_sms_backend; "
        "get_sms_backend().send('+8613800138000', 'Your sign-in code is 123456.'); "
        "send_mail('您的验证码：654321', 'Hello,\\n\\n    654321\\n', None, ['li@example.com']); "
        "logging.getLogger('aftersales.dispatch').info('deadline warning fired', "
        "extra={'path': 'SR26110095'})"
    )
    done = _aftersales(_local_env(demo_data), "shell", "-c", send)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    sms = next(i for i, line in enumerate(out) if line.startswith("┌─") and "+8613800138000" in line)
    assert out[sms + 1] == "│ Your sign-in code is 123456." and out[sms + 2].startswith("└─")
    mail = next(i for i, line in enumerate(out) if line.startswith("┌─") and "li@example.com" in line)
    assert out[mail + 1] == "│ 您的验证码：654321" and "│     654321" in out[mail + 2:mail + 6]
    assert "MIME-Version" not in done.stdout and "=?utf-8?" not in done.stdout
    err = done.stderr.splitlines()
    assert any(line.endswith("INFO    dispatch: deadline warning fired · SR26110095")
               for line in err), done.stderr
    assert not [line for line in err if line.startswith("{")], done.stderr
