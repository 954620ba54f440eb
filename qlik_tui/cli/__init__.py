"""The `qlik-tui` entry point: argparse, dispatch, and one place that turns errors into text.

Commands other than the TUI never import Textual, so `qlik-tui token` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..core.errors import QlikTuiError
from ..core.terminal_text import visible
from .parser import parse

MAX_LINE = 1000  # characters of one message line: a quoted 1 MB URL must not flood the terminal


def shown(line: str) -> str:
    """A message line for the terminal: control characters visible, absurd lengths cut."""
    line = visible(line)
    return line if len(line) <= MAX_LINE else f"{line[:MAX_LINE]}… ({len(line) - MAX_LINE:,} more characters)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    try:
        args = parse(list(argv) if argv is not None else None)
        return int(args.run(args) or 0)
    except QlikTuiError as exc:
        # Messages quote servers and files: every line goes through the one door to the terminal.
        for i, line in enumerate(exc.lines()):
            print(f"qlik-tui: {shown(line)}" if i == 0 else shown(line), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("qlik-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `qlik-tui call ... | head`: the reader left; say nothing and stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
