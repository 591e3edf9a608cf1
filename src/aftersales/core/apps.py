from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Every app's handlers.HANDLERS and panels.PANELS, read once all apps are loaded.
        from django.db import models

        from .handlers import handlers_load
        from .lookups import AnyOf
        from .panels import panels_load

        handlers_load()
        panels_load()
        for field in (models.ForeignKey, models.IntegerField):
            field.register_lookup(AnyOf)
