"""Reads of invoicing that carry policy."""

from django.contrib.contenttypes.models import ContentType

from .models import CreditNote


def credit_notes_for(source):
    """The credit notes issued because of ``source`` (a complaint, a 三包 outcome, a return)."""
    return (CreditNote.objects
            .filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
            .select_related("invoice", "customer").prefetch_related("lines")
            .order_by("issued_at", "id"))
