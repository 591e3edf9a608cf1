"""Token authentication that reads the user's service centre with the token (one query): almost
every API call needs the centre, for access (``restrict``) and for new requests. The read runs on
every call, so its SQL is compiled once per connection (core.compiled_reads, ADR 0019)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from aftersales.core.compiled_reads import CompiledRead, Slot

token_read = CompiledRead(
    Token.objects.select_related("user__service_centre").filter(key=Slot("key", models.CharField())))


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = token_read.get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
