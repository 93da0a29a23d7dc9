"""Shared fixtures for every test suite in the workspace live in ecbm_runtime.testing."""

pytest_plugins = ["ecbm_runtime.testing"]
