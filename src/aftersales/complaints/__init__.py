"""Complaints as corrective action (CP-1 … CP-16)."""
