from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoRun(models.Model):
    """Marks a database that ``aftersales demo_seed`` filled, and with what."""

    seeded_at = models.DateTimeField(_("seeded at"))
    seed = models.IntegerField(_("random seed"))
    scale = models.FloatField(_("scale"))
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("demo data set")
        verbose_name_plural = _("demo data sets")

    def __str__(self) -> str:
        return f"demo seed {self.seed} × {self.scale}"


class BenchRow(models.Model):
    """One row per request to the framework's floor endpoint of bench/intake (never in production)."""

    created_at = models.DateTimeField(auto_now_add=True)
    payload = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("benchmark row")
        verbose_name_plural = _("benchmark rows")
