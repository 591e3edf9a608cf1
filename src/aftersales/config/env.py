"""Every setting that comes from the environment is read here, and only here."""

import os
from pathlib import Path

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f"{name} must be true/false or 1/0, not {raw!r}")


def _env_number(name: str, default, kind, words: str, minimum):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be {words}, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    return _env_number(name, default, int, "a whole number", minimum)


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    return _env_number(name, default, float, "a number", minimum)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(os.environ.get("AFTERSALES_DATA_DIR", Path.cwd() / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_config(default_sqlite: Path) -> dict:
    """DATABASE_URL (sqlite:///… or postgres://…) → Django DATABASES['default']."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Every transaction takes the write lock when it begins, so concurrent writers queue
        # instead of failing on a lock upgrade; WAL lets readers go on meanwhile.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    else:
        config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
        config["OPTIONS"] = postgres_options()
    config["ATOMIC_REQUESTS"] = False
    return config


PREPARE_THRESHOLD = 5


def postgres_options() -> dict:
    """Prepared statements (ADR 0015): a statement a connection has run ``DB_PREPARE_THRESHOLD``
    times (default 5) is prepared on the server, which then plans it once instead of on every
    run; that needs server-side parameter binding. ``DB_PREPARE_THRESHOLD=0`` turns both off:
    for PgBouncer in transaction mode before 1.21, which cannot keep a session's statements."""
    threshold = env_int("DB_PREPARE_THRESHOLD", PREPARE_THRESHOLD, minimum=0)
    if threshold == 0:
        return {}
    return {"server_side_binding": True, "prepare_threshold": threshold}


SEARCH_RANDOM_PAGE_COST = 1.1


def search_random_page_cost() -> float:
    """What reading a table's page out of order costs PostgreSQL's planner in list searches
    (ADR 0017; 1 is a page read in order): ``DB_SEARCH_RANDOM_PAGE_COST``, default 1.1 — data
    in memory or on SSDs; 0 leaves the server's own ``random_page_cost``."""
    return env_float("DB_SEARCH_RANDOM_PAGE_COST", SEARCH_RANDOM_PAGE_COST, minimum=0)


CACHE_TABLE = "aftersales_cache"


def cache_config(url: str | None = None) -> dict:
    """CACHE_URL → Django CACHES['default']; rate limits keep their counts here, so it must be
    shared by every process: ``redis://…`` (also the default when only REDIS_URL is set),
    ``db://[table]`` (the default: the database, table ``aftersales_cache``, made by migrate),
    or ``locmem://`` (one process only; for a single-process development server)."""
    if url is None:
        url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "db://"
    prefix = os.environ.get("CACHE_KEY_PREFIX", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                "KEY_PREFIX": prefix}
    if url.startswith("db://"):
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": url.removeprefix("db://").strip("/") or CACHE_TABLE,
                "KEY_PREFIX": prefix,
                # culling forgets counts: keep many rows (expired ones are culled first)
                "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4}}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": prefix}
    raise ValueError(f"CACHE_URL must start with redis://, db:// or locmem://, not {url!r}")
