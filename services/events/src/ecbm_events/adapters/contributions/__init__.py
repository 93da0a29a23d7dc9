"""The contributions' read model."""
