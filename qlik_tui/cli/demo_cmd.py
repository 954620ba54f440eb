"""Placeholder while the connection layer is built."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Not yet."""
