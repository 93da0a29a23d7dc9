"""The edges: the gRPC servicer (api) and the worker's consumers and timers."""
