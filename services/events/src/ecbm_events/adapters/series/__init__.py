"""The series' read model."""
