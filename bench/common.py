"""What bench/intake and bench/lists share: a throw-away PostgreSQL database, the production
settings over plain HTTP, a gunicorn they start and stop themselves, the machine's description,
and writing the results to bench/results/.
"""

import http.client
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"


def say(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", flush=True)


def database_url(name: str) -> str:
    base, _slash, _db = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def database_recreate(name: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def django_env(db_url: str, data_dir: Path, **extra: str) -> dict:
    """Production settings, but HTTP on 127.0.0.1, persistent connections, the bench floor on."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "aftersales.config.settings.production",
        "DATABASE_URL": db_url,
        "SECRET_KEY": SECRET,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "BENCH_ENDPOINTS": "true",
        "AFTERSALES_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def manage(env: dict, *args: str, quiet: bool = True) -> str:
    done = subprocess.run([str(BIN / "aftersales"), *args], env=env, cwd=ROOT, text=True,
                          capture_output=quiet)
    if done.returncode != 0:
        sys.stderr.write((done.stdout or "") + (done.stderr or ""))
        raise SystemExit(f"aftersales {' '.join(args)} failed")
    return done.stdout or ""


def python(env: dict, module: str, *args: str) -> str:
    done = subprocess.run([str(BIN / "python"), "-m", module, *args], env=env, cwd=ROOT,
                          text=True, capture_output=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"python -m {module} failed")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict, *, workers: int, threads: int, log: Path, worker_class: str = "",
             app: str = "aftersales.config.wsgi:application", bin_dir: Path = BIN,
             cwd: Path = ROOT):
    """gunicorn on a free port; yields the base URL; stopped (and waited for) on exit. The worker
    class is gthread for more than one thread, else sync, unless ``worker_class`` says. ``app``,
    ``bin_dir`` and ``cwd`` serve another project (bench/peer's); it must answer /health/."""
    port = free_port()
    args = [str(bin_dir / "gunicorn"), app,
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", worker_class or ("gthread" if threads > 1 else "sync"), "--threads", str(threads),
            "--keep-alive", "30", "--backlog", "256", "--error-logfile", str(log),
            "--log-level", "warning"]
    with open(log, "a") as out:
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited early; see {log}")
            try:
                with urllib.request.urlopen(base + "/health/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer on {base}; see {log}")
        yield base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over ``seconds`` (0–1), from /proc/stat."""
    def sample():
        fields = [int(x) for x in _read("/proc/stat").splitlines()[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    total1, idle1 = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle1) / max(1, total2 - total1)


def machine(env: dict | None = None) -> dict:
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in _read("/proc/meminfo").splitlines()
                if line.startswith("MemTotal")), "0")
    info = {
        "cpu": model, "cpus": os.cpu_count(), "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "load_average_before": os.getloadavg(),
        "cpu_busy_before": round(cpu_busy(), 2),
    }
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["postgresql_settings"] = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("shared_buffers", "work_mem", "synchronous_commit",
                             "effective_cache_size", "max_connections")}
    except Exception as exc:  # noqa: BLE001
        info["postgresql"] = f"unknown ({exc})"
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                         capture_output=True).stdout.strip()
    # changed tracked files only: untracked ones (earlier results, local links) are no code
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           text=True, capture_output=True).stdout.strip()
    info["commit"] = git + (" + uncommitted changes" if dirty else "")
    from aftersales.config.env import postgres_options, search_random_page_cost

    info["prepare_threshold"] = postgres_options().get("prepare_threshold")  # None: off
    info["search_random_page_cost"] = search_random_page_cost()
    return info


def prepared_note(info: dict) -> str:
    """How the server's PostgreSQL connections ran their statements (DB_PREPARE_THRESHOLD)."""
    if "prepare_threshold" not in info:
        return "prepared statements: not recorded"
    threshold = info["prepare_threshold"]
    if threshold is None:
        note = "prepared statements off (DB_PREPARE_THRESHOLD=0): every statement planned anew"
    else:
        note = f"prepared statements after {threshold} runs of a statement (DB_PREPARE_THRESHOLD)"
    cost = info.get("search_random_page_cost")
    if cost is not None:  # recorded since ADR 0017
        note += (f"; list searches planned at random_page_cost {cost} (DB_SEARCH_RANDOM_PAGE_COST)"
                 if cost else "; list searches planned at the server's random_page_cost")
    return note


def shared_note(info: dict) -> str:
    busy = info.get("cpu_busy_before", 0)
    load = info.get("load_average_before", (0, 0, 0))[0]
    if busy > 0.15 or load > 1.0:
        return (f"The machine was shared during this run: other work kept the CPUs {busy:.0%} "
                f"busy just before it started (load average {load:.1f} on {info['cpus']} CPUs), "
                "so throughput is lower and latency higher than on an idle machine.")
    return "The machine was otherwise idle when the run started."


def results_write(name: str, data: dict, markdown: str) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d")
    json_path = RESULTS / f"{name}-{stamp}.json"
    md_path = RESULTS / f"{name}-{stamp}.md"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(markdown)
    return md_path, json_path


class HttpClient:
    """One keep-alive HTTP connection with its own cookie jar (Secure cookies kept over HTTP),
    a desk login and an API token: how bench/lists and bench/reports time pages."""

    def __init__(self, base: str, timeout: float = 60):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes, float]:
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def login(self, username: str, password: str) -> None:
        status, page, _t = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"no login form ({status})")
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token.group(1).decode()}).encode()
        status, _page, _t = self.request(
            "POST", "/login/", body,
            {"Content-Type": "application/x-www-form-urlencoded",
             "Referer": f"http://{self.host}:{self.port}/login/"})
        if status != 302:
            raise SystemExit(f"login as {username} failed ({status})")

    def token(self, username: str, password: str) -> None:
        body = json.dumps({"username": username, "password": password}).encode()
        status, data, _t = self.request("POST", "/api/v1/auth/token/", body,
                                        {"Content-Type": "application/json"})
        if status != 200:
            raise SystemExit(f"no API token for {username} ({status})")
        self.headers = {"Authorization": f"Token {json.loads(data)['token']}",
                        "Accept": "application/json"}
