"""Thin Faust agents: read a batch, run the pure stage code off the event loop, write records."""
