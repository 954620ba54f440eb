"""Run one jq program over a body, in its own process: `python -m qlik_tui.core.json.jq_worker
EXPR MAX_OUTPUT MEMORY` with the body on stdin, one compact JSON result per line on stdout.

A process, not a thread, because jq runs in C and cannot be interrupted: `[range(1e12)]`
would hold a thread (and fill memory) until the app ends. Here the parent kills it at its
time limit, and the kernel stops it at its memory limit.
"""

from __future__ import annotations

import json
import sys

EXIT_JQ_ERROR = 3
EXIT_TOO_MUCH = 4
EXIT_NO_JQ = 5
EXIT_MEMORY = 6


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: only the time limit applies
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # a lower hard limit already in place: keep it
        pass


def main(argv: list[str]) -> int:
    """Compile EXPR, feed it stdin, print each result as a JSON line (stop past MAX_OUTPUT bytes)."""
    expression, max_output, memory = argv[0], int(argv[1]), int(argv[2])
    try:
        import jq
    except ImportError:
        print("the jq package is not installed", file=sys.stderr)
        return EXIT_NO_JQ
    body = sys.stdin.buffer.read().decode("utf-8", "replace")
    _limit_memory(memory)
    written = 0
    out = sys.stdout
    try:
        program = jq.compile(expression)
        for value in program.input_text(body):
            line = json.dumps(value, ensure_ascii=False, allow_nan=False) + "\n"
            written += len(line)
            if written > max_output:
                return EXIT_TOO_MUCH
            out.write(line)
    except ValueError as exc:  # jq's compile and run-time errors, in its own words
        print(str(exc), file=sys.stderr)
        return EXIT_JQ_ERROR
    except MemoryError:
        return EXIT_MEMORY
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
