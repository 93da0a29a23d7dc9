"""Integration tests of the events service (a package: its conftest has a name of its own)."""
