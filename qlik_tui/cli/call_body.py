"""The request body of `qlik-tui call`: inline JSON, a file streamed as it is, or standard input.

`-d @FILE` sends the file's bytes exactly, streamed from disk (a 2 GB .qvf is never read
into memory), with the Content-Type given by -H, else JSON when the file is JSON, else
application/octet-stream. `-d -` (or `-d @-`) copies standard input to a private temp file
first: stdin cannot be read twice, and a request refused with a 401 is sent again.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import UsageError
from ..core.http.body_sniff import SNIFF_BYTES, looks_like_json
from ..core.http.types import FileBody, RequestBody

MAX_JSON_CHECK = 64 * 1024 * 1024  # a JSON file is parsed before sending (a typo never reaches the server) up to this
MAX_STDIN_BODY = 512 * 1024 * 1024  # standard input is kept in a temp file; /dev/zero must end in a message
_CHUNK = 1024 * 1024


def _content_type(headers: list[tuple[str, str]]) -> str | None:
    return next((v for k, v in headers if k.lower() == "content-type"), None)


def _check_json_file(path: Path, size: int, shown: str) -> None:
    """A file that starts like JSON must be JSON (when it is of a size to check)."""
    if size > MAX_JSON_CHECK:
        return
    try:
        json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"-d {shown}: starts like JSON but is not valid JSON ({str(exc)[:200]})",
            "fix the file, or send it exactly as it is with -H 'Content-Type: application/octet-stream'",
        ) from None
    except RecursionError:
        pass  # deeper than Python's parser goes: the server judges it


def _file_body(path: Path, shown: str, headers: list[tuple[str, str]]) -> tuple[FileBody, str | None]:
    """The streamed body of a regular file, and the Content-Type to add (None when -H gave one)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"-d {shown}: not a regular file (a folder, pipe or device)", "give a file, or pipe it in with -d -")
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise UsageError(f"-d {shown}: cannot read ({exc.strerror})", "check the file name") from None
    body = FileBody(path, info.st_size, f"-d {shown}")
    if _content_type(headers) is not None:
        return body, None
    if looks_like_json(head):
        _check_json_file(path, info.st_size, shown)
        return body, "application/json"
    return body, "application/octet-stream"


def _spool_stdin(shown: str) -> Path:
    """Standard input copied to a private temp file (deleted at exit by the caller), capped."""
    if sys.stdin is None:
        raise UsageError(f"-d {shown}: standard input is closed", "pipe the body in, or use -d @FILE")
    fd, name = tempfile.mkstemp(prefix="qlik-tui-body-")  # 0600
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            total = 0
            while chunk := sys.stdin.buffer.read(_CHUNK):
                total += len(chunk)
                if total > MAX_STDIN_BODY:
                    raise UsageError(
                        f"-d {shown}: more than {MAX_STDIN_BODY // 1048576} MB on standard input: too big",
                        "check what is piped in; send a big file with -d @FILE (streamed from disk)",
                    )
                out.write(chunk)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise UsageError(f"-d {shown}: could not keep standard input ({exc.strerror})", "use -d @FILE") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def request_body(data: str | None, headers: list[tuple[str, str]]) -> Iterator[tuple[RequestBody, str | None]]:
    """-d JSON, -d @FILE, -d - (or @-): the body and the Content-Type to add; temp files go at exit."""
    if data is None:
        yield None, None
        return
    if data in ("-", "@-"):
        spooled = _spool_stdin(data)
        try:
            yield _file_body(spooled, data, headers)
        finally:
            spooled.unlink(missing_ok=True)
        return
    if data.startswith("@"):
        yield _file_body(Path(data[1:]).expanduser(), data, headers)
        return
    try:
        json.loads(data)
    except ValueError as exc:
        raise UsageError(
            f"-d: the body is not valid JSON ({exc})", 'quote it for the shell: -d \'{"name": "x"}\', or use -d @file.json'
        ) from None
    yield data.encode("utf-8"), None if _content_type(headers) else "application/json"
