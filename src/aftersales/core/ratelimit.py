"""Limits on repeated failures (log-in attempts), counted in the shared cache so that they hold
across every web process and server: Redis when configured, else the database (CACHES).

A limit counts failures per key over a sliding window; while ``limit`` failures lie inside the
window the caller must refuse without checking anything. Two processes that fail at the same
instant may both read the same history, so a burst can get a failure or two past the limit
before it holds; it never lets a steady stream through."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or the address the NUM_PROXIES proxies in front of us
    saw (X-Forwarded-For read from the right); a client cannot choose it by sending the header."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return remote


_READ = object()


class FailureLimit:
    def __init__(self, scope: str, key: str, *, limit: int, window: int):
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]
        self.cache_key = f"ratelimit:{scope}:{digest}"
        self.limit, self.window = limit, window

    def _recent(self, history, now: float) -> list[float]:
        return [t for t in (history or []) if t > now - self.window]

    def wait(self, history=_READ, *, now: float | None = None) -> float:
        """Seconds until the next attempt may be checked; 0 when it may be now."""
        now = time.time() if now is None else now
        if history is _READ:
            history = cache.get(self.cache_key)
        recent = self._recent(history, now)
        if len(recent) < self.limit:
            return 0.0
        return max(0.0, recent[-self.limit] + self.window - now)

    def failed(self, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        recent = self._recent(cache.get(self.cache_key), now)
        recent.append(now)
        cache.set(self.cache_key, recent[-self.limit:], timeout=self.window)

    def reset(self) -> None:
        cache.delete(self.cache_key)


def wait_of(*limits: FailureLimit) -> float:
    """The longest wait of several limits, read from the cache in one round trip."""
    now = time.time()
    found = cache.get_many([limit.cache_key for limit in limits])
    return max((limit.wait(found.get(limit.cache_key), now=now) for limit in limits), default=0.0)


def login_limits(request, username: str) -> tuple[FailureLimit, FailureLimit]:
    """The staff log-in's limits: one username from one address, and one address overall."""
    ip = client_ip(request)
    name = (username or "").strip().casefold()
    window = settings.LOGIN_FAILURE_WINDOW
    return (FailureLimit("login", f"{ip}\n{name}", limit=settings.LOGIN_FAILURE_LIMIT, window=window),
            FailureLimit("login-ip", ip, limit=settings.LOGIN_FAILURE_LIMIT_PER_IP, window=window))
