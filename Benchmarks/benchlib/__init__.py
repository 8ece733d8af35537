"""Helpers of `make bench` (Benchmarks/run.py): sinks, the daemon, /proc readings, the control client."""
