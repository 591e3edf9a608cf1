"""Invoicing's pages: invoices, credit and return notes, receivables, monthly figures."""
