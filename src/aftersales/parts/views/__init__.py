"""The parts app's pages, one module per area."""
