"""三包 outcomes of a request: repair, replacement or refund."""
