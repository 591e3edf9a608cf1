"""``{% charges_for job as charges %}``: billing's figures of a job for any page (the one
selector the desk, the phone, the portal and the voucher share)."""

from django import template

from ..selectors import charge_summary

register = template.Library()


@register.simple_tag
def charges_for(job):
    return charge_summary(job)
