"""Helpers the bench scripts share (a package, so `make bench` does not run it as a bench)."""
