"""Loopback-only network fixtures (filled in with the fetch tests)."""
