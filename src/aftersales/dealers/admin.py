from django.contrib import admin

from .models import Dealer

admin.site.register(Dealer)
