"""Alembic environment of the sample worker: the runtime's shared body."""

from ecbm_runtime.migrations import run_migrations_in_env

run_migrations_in_env()
