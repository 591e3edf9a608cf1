"""Installation and commissioning, preventive maintenance (WK-5, WK-6, PM-1, PM-2)."""
