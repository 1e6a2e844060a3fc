"""Benchmarks: each one runs the real server next to a bare baseline (never collected by pytest)."""
