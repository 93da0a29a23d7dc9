"""Alembic environment: the runtime runs it the same way for every service."""

from ecbm_runtime.migrations import run_migrations_in_env

run_migrations_in_env()
