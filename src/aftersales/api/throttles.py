"""Throttles of the token endpoint (brute force on passwords): every request to it counts, per
client address and per username asked for, in the shared cache (CACHES), so the limits hold
across every process. Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (token_ip,
token_username), from the environment; the answer past them is 429 with Retry-After."""

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from aftersales.core.ratelimit import client_ip


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        # read when used, not when imported, so that settings (and tests) can change it
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class TokenPerIpThrottle(_Throttle):
    scope = "token_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenPerUsernameThrottle(_Throttle):
    scope = "token_username"

    def get_cache_key(self, request, view):
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # the serializer refuses it; the address's limit still counts it
        digest = hashlib.sha256(username.strip().casefold().encode("utf-8", "surrogatepass"))
        return self.cache_format % {"scope": self.scope, "ident": digest.hexdigest()[:40]}
