"""Online-shop orders, returns, exchanges and refunds (EC-1 … EC-5)."""
