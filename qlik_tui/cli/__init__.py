"""The `qlik-tui` entry point: argparse, dispatch, and one place that turns errors into text.

Commands other than the TUI never import Textual, so `qlik-tui token` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..core.errors import QlikTuiError
from ..core.terminal_text import visible_block
from .parser import parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    try:
        args = parse(list(argv) if argv is not None else None)
        return int(args.run(args) or 0)
    except QlikTuiError as exc:
        for line in exc.lines():
            # Messages quote file contents and server answers: control characters made visible.
            print(visible_block(f"qlik-tui: {line}" if line is exc.message else line), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("qlik-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `qlik-tui call ... | head`: the reader left; say nothing and stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
