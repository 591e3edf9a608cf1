"""Key accounts and customer care (RP-6, FB-6, CR-1 … CR-4)."""
