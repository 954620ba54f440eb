"""`qlik-tui call` against a hostile server: real processes, real loopback sockets.

Each case was a traceback, a hang, a memory blow-up or an escape sequence reaching the
terminal; each must end in one message with a hint and a non-zero exit, in bounded time.
"""

from __future__ import annotations

import gzip
import json
import os
import pty
import subprocess
import sys
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.hostile_server import (
    Action,
    Close,
    Play,
    Received,
    Reset,
    answer,
    cloud_play,
    hostile_profiles,
    hostile_server,
    replies,
)

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"  # "write this to the clipboard"
RETITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"


def call(profiles: Path, *args: str, profile: str = "h", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return run_cli("call", "--profiles", str(profiles), "-p", profile, *args, timeout=timeout)


def call_on_tty(profiles: Path, *args: str, profile: str = "h") -> tuple[int, str, str]:
    """Run call with stdout on a pseudo-terminal (as a person's shell has it)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("QLIK_TUI_PROFILE", "QLIK_TUI_PROFILES")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qlik_tui", "call", "--profiles", str(profiles), "-p", profile, *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**env, "NO_COLOR": "1"},
    )
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def no_escapes(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text[:300])


# 1. Terminal escape injection


def test_escape_sequences_in_a_qlik_error_are_made_visible(tmp_path: Path, keys: GeneratedKeys) -> None:
    error = {"errors": [{"code": "X-1", "title": f"bad{OSC52}{RETITLE}", "detail": CLEAR}]}
    headers = [("Content-Type", "application/json"), ("X-Evil", "\x1b]0;title\x07")]
    play = replies([answer(404, json.dumps(error).encode(), headers)])
    with hostile_server(play) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app", "-i", "-v")
    assert_clean_failure(proc)
    no_escapes(proc.stderr)
    assert "␛]52;c;" in proc.stderr and "X-1: bad" in proc.stderr and "x-evil: ␛]0;title␇" in proc.stderr


def test_text_500_body_error_line_is_visible(tmp_path: Path, keys: GeneratedKeys) -> None:
    body = f"{CLEAR}{OSC52}boom\r\n".encode()
    with hostile_server(replies([answer(500, body, [("Content-Type", "text/plain")])])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app")
    assert_clean_failure(proc)
    no_escapes(proc.stderr)
    assert "500" in proc.stderr and "␛[2J" in proc.stderr


def test_bodies_on_a_terminal_are_made_visible(tmp_path: Path, keys: GeneratedKeys) -> None:
    text = f"{RETITLE}plain{CLEAR}\n".encode()
    doc = json.dumps({"name": "a\u0085b\u202ec\x1b"}, ensure_ascii=False).encode()
    play = replies(
        [answer(200, text, [("Content-Type", "text/plain")])],
        [answer(200, doc, [("Content-Type", "application/json")])],
    )
    with hostile_server(play) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        code, raw_out, _ = call_on_tty(profiles, "GET", "/qrs/about", "--raw")
        code2, json_out, _ = call_on_tty(profiles, "GET", "/qrs/about")
    assert code == 0 and code2 == 0
    no_escapes(raw_out)
    assert "␛]0;pwned␇plain␛[2J" in raw_out
    no_escapes(json_out)
    # JSON escapes C0 itself (\u001b) but leaves C1 and bidi controls raw: those are shown.
    assert "\\x85" in json_out and "\\u202e" in json_out and "\u202e" not in json_out


def test_raw_to_a_pipe_is_byte_exact(tmp_path: Path, keys: GeneratedKeys) -> None:
    sent = b"\x1b]52;c;AAAA\x07\x00\xff\xfe{not json\r\n\x85"
    with hostile_server(replies([answer(200, sent, [("Content-Type", "application/octet-stream")])])) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        proc = subprocess.run(
            [sys.executable, "-m", "qlik_tui", "call", "--profiles", str(profiles), "GET", "/qrs/x", "--raw"],
            capture_output=True,
            timeout=60,
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == sent


def test_lone_surrogate_in_json_is_no_traceback(tmp_path: Path, keys: GeneratedKeys) -> None:
    body = b'{"name": "\\ud800 half a pair"}'
    with hostile_server(replies([answer(200, body, [("Content-Type", "application/json")])])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/about")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"name": "\ud800 half a pair"}


# 2. Memory bombs


def _gzip_bomb(decoded_mb: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    zeros = b"\0" * (1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(decoded_mb)) + packer.flush()


def test_gzip_bomb_stops_at_max_body(tmp_path: Path, keys: GeneratedKeys) -> None:
    bomb = _gzip_bomb(200)
    assert len(bomb) < 1024 * 1024 and len(gzip.decompress(bomb)) == 200 * 1024 * 1024  # a real bomb
    play = replies([answer(200, bomb, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])])
    with hostile_server(play) as server:
        started = time.monotonic()
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app", "--max-body", "5")
    assert_clean_failure(proc)
    assert "bigger than --max-body 5 MB" in proc.stderr and "raise --max-body" in proc.stderr
    assert time.monotonic() - started < 30


def test_lying_content_length_allocates_nothing(tmp_path: Path, keys: GeneratedKeys) -> None:
    play = replies([answer(200, b'{"a": 1}', [("Content-Type", "application/json")], length=5_000_000_000), Close()])
    with hostile_server(play) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        capped = call(profiles, "GET", "/qrs/app")
        uncapped = call(profiles, "GET", "/qrs/app", "--max-body", "10000")
    assert_clean_failure(capped)
    assert "bigger than --max-body 1024 MB (announced: 4,768 MB)" in capped.stderr
    assert_clean_failure(uncapped)
    assert "cut short after 8 bytes of the 5,000,000,000 announced" in uncapped.stderr, uncapped.stderr
    assert "MemoryError" not in uncapped.stderr


# 3. Endless slow drip


def _drip(_: Received) -> Iterable[Action]:
    yield answer(200, b"", [("Content-Type", "application/json")], length=1000)
    for _ in range(600):  # 150 s: far past any bound below, so a loaded machine cannot blur the two
        yield b" "
        yield 0.25


def test_slow_drip_ends_at_max_time(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(_drip) as server:
        started = time.monotonic()
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app", "--timeout", "2", "--max-time", "1.5")
        took = time.monotonic() - started
    assert_clean_failure(proc)
    assert "no complete answer within 1.5 s (--max-time" in proc.stderr and "raise --max-time" in proc.stderr
    assert took < 45  # a subprocess's start-up included; without the limit, 150 s


# 4. 429 with absurd Retry-After


@pytest.mark.parametrize(
    ("value", "shown"),
    [("100000", "27 h 46 min"), ("Fri, 31 Dec 2099 23:59:59 GMT", "days")],
)
def test_retry_after_too_long_ends_at_once(tmp_path: Path, keys: GeneratedKeys, value: str, shown: str) -> None:
    with hostile_server(replies([answer(429, b"", [("Retry-After", value)])])) as server:
        started = time.monotonic()
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app")
        assert len(server.received) == 1
    assert_clean_failure(proc)
    assert f"Retry-After: {value}" in proc.stderr and shown in proc.stderr and "longer than qlik-tui waits" in proc.stderr
    assert time.monotonic() - started < 45  # a subprocess's start-up included; obeying it would take hours


def test_retry_after_wait_is_said_without_verbose(tmp_path: Path, keys: GeneratedKeys) -> None:
    ok = answer(200, b'{"ok": true}', [("Content-Type", "application/json")])
    with hostile_server(replies([answer(429, b"", [("Retry-After", "1")])], [ok])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app")
    assert proc.returncode == 0, proc.stderr
    assert "rate limited (429 with Retry-After: 1; waiting 1 s as asked, then try 2 of 4)" in proc.stderr


# 5. --all-pages with broken or foreign links


def _pages(second: bytes, next_href: str = "/api/v1/items?page=2") -> Play:
    first = json.dumps({"data": [1, 2], "links": {"next": {"href": next_href}}}).encode()

    def api(req: Received) -> Iterable[Action]:
        body = second if "page=2" in req.target else first
        return [answer(200, body, [("Content-Type", "application/json")])]

    return cloud_play(api)


def test_relative_next_is_resolved_against_the_tenant(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(_pages(json.dumps({"data": [3]}).encode())) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/items", "--all-pages", profile="c")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"data": [1, 2, 3]} and "2 pages" in proc.stderr


@pytest.mark.parametrize(
    ("second", "said"),
    [
        (b"<html>oops</html>", "page 2: the answer is not JSON"),
        (b'{"data": {"a": 1}}', "page 2 cannot be joined to the others: its data is an object"),
    ],
)
def test_broken_later_page_is_a_message(tmp_path: Path, keys: GeneratedKeys, second: bytes, said: str) -> None:
    with hostile_server(_pages(second)) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/items", "--all-pages", profile="c")
    assert_clean_failure(proc)
    assert said in proc.stderr


def test_next_on_another_host_is_refused(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(_pages(b"{}", "http://localhost:1/api/v1/items?page=2")) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/items", "--all-pages", profile="c")
        api_calls = [r for r in server.received if r.path == "/api/v1/items"]
    assert_clean_failure(proc)
    assert "links.next points to another host (localhost:1)" in proc.stderr and len(api_calls) == 1


# 6. Body files that never end


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_body_file_must_be_a_regular_file(tmp_path: Path, keys: GeneratedKeys, kind: str) -> None:
    if kind == "fifo":
        source = tmp_path / "pipe"
        os.mkfifo(source)
    else:
        source = Path("/dev/zero") if kind == "dev-zero" else tmp_path
    with hostile_server(replies([answer(200, b"{}")])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "POST", "/qrs/app", "-d", f"@{source}", timeout=20)
        assert server.received == []
    assert_clean_failure(proc)
    assert "not a regular file" in proc.stderr


def test_huge_stdin_body_is_refused(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(replies([answer(200, b"{}")])) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        with open("/dev/zero", "rb") as zero:
            proc = subprocess.run(
                [sys.executable, "-m", "qlik_tui", "call", "--profiles", str(profiles), "POST", "/qrs/x", "-d", "@-"],
                stdin=zero,
                capture_output=True,
                text=True,
                timeout=60,
            )
    assert proc.returncode == 2 and "more than 512 MB" in proc.stderr and "Traceback" not in proc.stderr


# 7. Input that used to be a traceback


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-H", "X-Name: Göran"], "header values must be ASCII"),
        (["-H", "X Name: a"], "is not a header name"),
        (["--timeout", "nan"], "--timeout must be a number of seconds"),
        (["--timeout", "-1"], "--timeout must be a number of seconds"),
        (["--max-time", "inf"], "--max-time must be a number of seconds"),
        (["--max-body", "0"], "--max-body must be a number of MB"),
        (["--watch", "nan"], "--watch must be a number of seconds from 0.1"),
        (["--watch", "inf"], "--watch must be a number of seconds from 0.1"),
        (["--watch", "0.01"], "--watch must be a number of seconds from 0.1"),
    ],
)
def test_bad_option_values_are_messages(tmp_path: Path, keys: GeneratedKeys, args: list[str], said: str) -> None:
    with hostile_server(replies([answer(200, b"{}")])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/about", *args, timeout=20)
        assert server.received == []
    assert_clean_failure(proc)
    assert proc.returncode == 2 and said in proc.stderr


@pytest.mark.parametrize("path", ["/qrs/app\r\nX-Injected: 1", "/qrs/a\nb", "/qrs/\x1b[2J"])
def test_path_with_line_breaks_is_refused(tmp_path: Path, keys: GeneratedKeys, path: str) -> None:
    proc = call(hostile_profiles(tmp_path, keys, "http://127.0.0.1:9"), "GET", path)
    assert_clean_failure(proc)
    assert "line break or control character" in proc.stderr and proc.returncode == 2


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://" + "a" * 1_000_000 + ".example", "cannot build the request"),  # passes validation
        ("http://127.0.0.1:9/" + "a" * 1_000_000, "must be scheme://host[:port]"),  # refused, quoted shortened
    ],
    ids=["host", "path"],  # a megabyte test id would go into PYTEST_CURRENT_TEST: E2BIG
)
def test_a_megabyte_url_is_a_short_message(tmp_path: Path, keys: GeneratedKeys, url: str, said: str) -> None:
    proc = call(hostile_profiles(tmp_path, keys, url), "GET", "/qrs/about")
    assert_clean_failure(proc)
    assert len(proc.stderr) < 5000 and said in proc.stderr, proc.stderr[:3000]


# 9. Diagnoses that said the wrong thing


@pytest.mark.parametrize(
    ("script", "said"),
    [
        (
            [answer(200, b'{"a": 1', [("Content-Type", "application/json")], length=100), Close()],
            "cut short after 7 bytes of the 100",
        ),
        (
            [answer(200, b'{"a": 1', [("Content-Type", "application/json")], length=100), 0.2, Reset()],
            "cut short after 7 bytes of the 100 announced (connection reset)",
        ),
        (
            [answer(200, b'5\r\n{"a":\r\nzz\r\n', [("Transfer-Encoding", "chunked")]), Close()],
            "(broken chunked encoding)",
        ),
    ],
)
def test_answers_cut_short_say_so(tmp_path: Path, keys: GeneratedKeys, script: list[Action], said: str) -> None:
    with hostile_server(replies(script)) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app")
    assert_clean_failure(proc)
    assert said in proc.stderr and "without an HTTP answer" not in proc.stderr and "HTTPS" not in proc.stderr


# 8. A tenant that keeps refusing the session


def test_watch_backs_off_re_logins_and_stops(demo: Demo) -> None:
    demo.cloud.faults.session_uses = 1  # every session dies after its first request
    started = time.monotonic()
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-cloud", "GET", "/api/v1/spaces", "--watch", "0.1")
    took = time.monotonic() - started
    assert_clean_failure(proc)
    assert "refused the session 4 times in a row" in proc.stderr
    assert "waiting 1 s before logging in again" in proc.stderr and "waiting 2 s before logging in again" in proc.stderr
    assert demo.cloud.stats.jwt_logins == 4 and 3 <= took < 40


def test_json_nested_too_deeply_is_a_message(tmp_path: Path, keys: GeneratedKeys) -> None:
    deep = b"[" * 20_000 + b"]" * 20_000  # past the 10,000 levels followed (5,000 print as a tree)
    with hostile_server(replies([answer(200, deep, [("Content-Type", "application/json")])])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app")
    assert_clean_failure(proc)
    assert "nested more than 10,000 levels deep" in proc.stderr
    assert proc.stdout == deep.decode() + "\n"  # shown as text, not lost


@pytest.mark.parametrize(
    ("script", "said"),
    [
        ([b"SSH-2.0-OpenSSH_9.6\r\n\r\n", Close()], "the answer is not valid HTTP"),
        ([Close()], "closed the connection without an HTTP answer"),
    ],
)
def test_no_http_answer_says_which(tmp_path: Path, keys: GeneratedKeys, script: list[Action], said: str) -> None:
    with hostile_server(replies(script)) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app")
    assert_clean_failure(proc)
    assert said in proc.stderr


def test_discovered_endpoints_are_printed_visibly(tmp_path: Path, keys: GeneratedKeys) -> None:
    def qrs(req: Received) -> Iterable[Action]:
        json_type = [("Content-Type", "application/json")]
        if req.path == "/jwt/qrs/about":
            return [answer(200, json.dumps({"buildVersion": f"1{RETITLE}"}).encode(), json_type)]
        if req.path == "/jwt/qrs/about/api/description" and "extended" not in req.target:
            return [answer(200, json.dumps([f"GET /qrs/evil{CLEAR}/x"]).encode(), json_type)]
        return [answer(404, b"", json_type)]

    with hostile_server(qrs) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        proc = run_cli("endpoints", "--profiles", str(profiles), "--discover", env={"XDG_STATE_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    no_escapes(proc.stdout + proc.stderr)
    assert "/qrs/evil␛[2J/x" in proc.stdout and "build 1␛]0;pwned␇" in proc.stderr


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        ([b"GET", b"/qrs/app/\xff"], "PATH"),
        ([b"POST", b"/qrs/tag", b"-d", b'{"name": "\xff"}'], "-d"),
        ([b"GET", b"/qrs/app", b"-q", b"filter=name eq '\xff'"], "-q"),
    ],
)
def test_arguments_that_are_not_utf8_are_refused(tmp_path: Path, keys: GeneratedKeys, args: list[bytes], flag: str) -> None:
    profiles = hostile_profiles(tmp_path, keys, "http://127.0.0.1:9")
    command = [sys.executable.encode(), b"-m", b"qlik_tui", b"call", b"--profiles", str(profiles).encode(), *args]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert_clean_failure(proc)
    assert proc.returncode == 2 and f"{flag}: contains bytes that are not UTF-8" in proc.stderr


def test_all_pages_together_stay_under_max_body(tmp_path: Path, keys: GeneratedKeys) -> None:
    filler = "x" * 400_000

    def api(req: Received) -> Iterable[Action]:
        page = int(req.target.partition("page=")[2] or 1)
        doc = {"data": [filler], "links": {"next": {"href": f"/api/v1/items?page={page + 1}"}}}
        return [answer(200, json.dumps(doc).encode(), [("Content-Type", "application/json")])]

    with hostile_server(cloud_play(api)) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        proc = call(profiles, "GET", "/api/v1/items", "--all-pages", "--max-body", "1", profile="c")
        pages = [r for r in server.received if r.path == "/api/v1/items"]
    assert_clean_failure(proc)
    assert "bigger than --max-body 1 MB" in proc.stderr and len(pages) == 3


def test_watch_stops_when_authentication_keeps_being_refused(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(replies([answer(401, b"")])) as server:
        proc = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app", "--watch", "0.1")
        sent = len(server.received)
    assert_clean_failure(proc)
    assert "stopped watching: authentication was refused 3 times in a row" in proc.stderr
    assert sent == 6  # three rounds of: the request, and one retry with a fresh token
