"""Use cases of the events service, one package per area."""
