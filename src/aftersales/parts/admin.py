from django.contrib import admin

from .models import Part

admin.site.register(Part)
