"""Invoices, credit and return notes, receivables (BL-1, BL-3, BL-4)."""
