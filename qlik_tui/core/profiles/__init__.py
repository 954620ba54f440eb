"""Profiles: the TOML contract (model), loading and validation, the atomic store, durations."""
