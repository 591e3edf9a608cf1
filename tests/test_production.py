"""Production mode for real: gunicorn with the production settings, static files from WhiteNoise
(no CDN), the health endpoint, JSON logs. Runs against the suite's database server settings."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import offsite_references

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("prod")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "aftersales.config.settings.production",
        "SECRET_KEY": "production-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "DEBUG": "false",
        "AFTERSALES_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data}/prod.sqlite3",
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([BIN / "aftersales", *command], env=env, check=True)
    port = _free_port()
    log = open(data / "server.log", "w+")
    server = subprocess.Popen(
        [BIN / "gunicorn", "aftersales.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base, log
    server.terminate()
    server.wait(10)
    log.close()


def test_health_static_and_docs_without_cdn(production_server):
    base, log = production_server
    health = urllib.request.urlopen(f"{base}/health/")
    assert json.loads(health.read()) == {"status": "ok", "database": "ok"}
    docs = urllib.request.urlopen(f"{base}/api/docs/").read().decode()
    assert offsite_references(docs) == [] and "/static/drf_spectacular_sidecar/" in docs
    login = urllib.request.urlopen(f"{base}/login/").read().decode()
    css = next(part.split('"')[0] for part in login.split('href="')[1:] if "app." in part)
    assert "/static/web/app." in css and css.count(".") >= 2  # hashed, cacheable name
    response = urllib.request.urlopen(f"{base}{css}")
    assert response.status == 200 and "max-age" in response.headers.get("Cache-Control", "")


def test_logs_are_json_lines(production_server):
    base, log = production_server
    urllib.request.urlopen(f"{base}/health/").read()
    time.sleep(0.3)
    log.seek(0)
    lines = [line for line in log.read().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert any(r.get("path") == "/health/" and r.get("status") == 200 for r in records)
