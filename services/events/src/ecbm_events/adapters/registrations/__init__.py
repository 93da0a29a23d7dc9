"""The registrations' read model: states, waiting-list order, offers, attendance."""
