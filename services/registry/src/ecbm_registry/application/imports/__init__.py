"""Bulk import of programmes (docs/registry-import.md)."""
