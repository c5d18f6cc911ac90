"""CLI commands beyond `check`, one module per family; each exposes register(app)."""
