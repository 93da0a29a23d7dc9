"""Benchmark suites of ``ecbm bench``: each measures the platform against a bare baseline."""
