"""Registrations: register, moderate, cancel, the waiting list, tickets and attendance."""
