"""The `qlik-tui` entry point: argparse, dispatch, and one place that turns errors into text.

Commands other than the TUI never import Textual, so `qlik-tui token` starts fast.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence

from ..core import debug_log
from ..core.errors import QlikTuiError, UsageError
from ..core.terminal_text import visible

MAX_LINE = 1000  # characters of one message line: a quoted 1 MB URL must not flood the terminal


def shown(line: str) -> str:
    """A message line for the terminal: control characters visible, absurd lengths cut."""
    line = visible(line)
    return line if len(line) <= MAX_LINE else f"{line[:MAX_LINE]}… ({len(line) - MAX_LINE:,} more characters)"


# A write that fails on stdout (a full disk, a closed or broken device) must not pass for
# success: `qlik-tui token > /mnt/full/t` used to end in a traceback, `>&-` in exit 0 with
# the token lost.
_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    argv = list(argv) if argv is not None else sys.argv[1:]
    if argv[:1] == ["__complete"]:  # on every TAB: skip argparse and every command module
        from .completion_names import main as complete

        return complete(argv[1:])
    try:
        if sys.stdout is None:
            raise UsageError("standard output is closed: nothing could be printed", "run it with stdout open (not >&-)")
        from .parser import parse  # after the __complete shortcut: it loads every command module

        args = parse(argv)
        if debug_log.wanted(bool(getattr(args, "debug", False))):
            debug_log.start(getattr(args, "command", None) or "tui")
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a full disk shows here, not after main has said all is well
        return code
    except BrokenPipeError:
        # `qlik-tui endpoints | head`: the reader left; say nothing and stop quietly, as a
        # process killed by SIGPIPE would (128 + 13). Before OSError: it is one of them.
        _drop_stdout()
        return 141
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        if sys.stderr is not None:
            print(f"qlik-tui: could not write the output ({exc.strerror})", file=sys.stderr)
            print("hint: the output goes to a full or broken device: free space, or send it elsewhere", file=sys.stderr)
        _drop_stdout()
        return 74  # EX_IOERR
    except QlikTuiError as exc:
        debug_log.error(exc)
        # Messages quote servers and files: every line goes through the one door to the terminal.
        for i, line in enumerate(exc.lines()):
            print(f"qlik-tui: {shown(line)}" if i == 0 else shown(line), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("qlik-tui: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: into the debug log with its traceback, then as Python shows it
        debug_log.error(exc)
        raise
    finally:
        path = debug_log.stop()
        if path is not None and sys.stderr is not None:
            print(f"qlik-tui: debug log: {path}", file=sys.stderr)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit cannot fail (and print) again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
