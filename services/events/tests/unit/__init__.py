"""Unit tests of the events service."""
