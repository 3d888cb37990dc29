"""The store: tables, engine and migrations."""
