"""Benchmarks: commands that print figures. Run ``python -m bench --help``."""
