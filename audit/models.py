"""Append-only, hash-chained audit events (owned by the rubrics/QA work)."""
