"""The events' read model: listings and their sessions."""
