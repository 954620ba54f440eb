"""Placeholder: the TUI."""

from __future__ import annotations

import argparse


def add_tui_options(parser: argparse.ArgumentParser) -> None:
    """Not yet."""


def run(args: argparse.Namespace) -> int:
    """Not yet."""
    return 0
