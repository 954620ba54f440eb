"""Structural differences between two JSON documents (the same request on two profiles)."""
