"""Saved requests: plain TOML files in a collection folder, with `{{name}}` variables."""
