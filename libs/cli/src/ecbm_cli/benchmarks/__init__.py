"""The suites of ``ecbm bench`` that drive the platform from outside only (its processes over
gRPC, its databases over SQL): foundation, events and quality, and their helpers.

What a suite provides is described in ``ecbm_runtime.bench``; a suite built on a service's
own code lives in that service and is found through the ``ecbm.benchmarks`` entry points.
"""
