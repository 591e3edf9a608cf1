"""Charge sheets, quotes, payments on site and their hand-over (WK-2, BL-2)."""
