"""Binary bodies: `call -d @FILE` / `-d -` streamed up, `call -o FILE` streamed down, byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.hostile_server import answer, hostile_profiles, hostile_server, replies

APP_TYPE = "Content-Type: application/vnd.qlik.sense.app"
MB = 1024 * 1024
CLI = [sys.executable, "-m", "qlik_tui", "call"]
UPLOAD = ["POST", "/qrs/app/upload", "-q", "name=Again", "-H", APP_TYPE]


def call(demo: Demo, *args: str, profile: str = "demo-qseow", stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("call", "--profiles", str(demo.profiles_path), "-p", profile, *args, stdin=stdin)


def make_file(path: Path, size: int) -> str:
    """A file of `size` bytes that no shifted or reordered copy matches; its sha256."""
    digest = hashlib.sha256()
    block = os.urandom(MB)
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = (written.to_bytes(8, "big") + block)[: min(MB, size - written)]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(MB):
            digest.update(chunk)
    return digest.hexdigest()


def measured(*args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `qlik-tui ARGS` under a tiny parent that reports its child's peak RSS (KiB)."""
    probe = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'qlik_tui', *sys.argv[1:]])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(p.returncode)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=300)
    return proc, int(proc.stderr.strip().splitlines()[-1])


def upload(demo: Demo, path: Path, name: str, *extra: str) -> dict[str, object]:
    proc = call(demo, "POST", "/qrs/app/upload", "-q", f"name={name}", "-H", APP_TYPE, "-d", f"@{path}", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_qvf_sized_file_round_trips_byte_for_byte_without_being_held_in_memory(demo: Demo, tmp_path: Path) -> None:
    size = 300 * MB
    folder = tmp_path / "files"
    folder.mkdir()
    source, target = folder / "big.qvf", folder / "back.qvf"
    digest = make_file(source, size)
    base = ["call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow"]
    proc, up_rss = measured(*base, "POST", "/qrs/app/upload", "-q", "name=Big", "-H", APP_TYPE, "-d", f"@{source}")
    assert proc.returncode == 0, proc.stderr
    app = json.loads(proc.stdout)
    assert app["fileSize"] == size and demo.qseow.routes.app_files.bytes_stored == size
    source.unlink()  # disk space: the digest stays
    token = str(uuid.uuid4())
    ticket = json.loads(call(demo, "POST", f"/qrs/app/{app['id']}/export/{token}").stdout)
    assert ticket["exportToken"] == token and ticket["downloadPath"].startswith(f"/tempcontent/{token}/Big.qvf")
    proc, down_rss = measured(*base, "GET", ticket["downloadPath"], "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert f"saved {size:,} bytes" in proc.stderr
    assert target.stat().st_size == size and sha256_of(target) == digest
    print(f"\npeak RSS: upload {up_rss / 1024:.0f} MB, download {down_rss / 1024:.0f} MB for a {size // MB} MB file")
    assert up_rss < 150 * 1024 and down_rss < 150 * 1024  # KiB: far below the 300 MB that went through
    assert [p.name for p in folder.iterdir()] == ["back.qvf"]  # no temp file left


@pytest.mark.parametrize(
    ("content", "given", "sent_type"),
    [
        (b'  {"name": "x"}', None, "application/json"),
        (b"PK\x03\x04\x00binary", None, "application/octet-stream"),
        (b"plain text, not JSON", None, "application/octet-stream"),
        (b"\x00\x01", "Content-Type: application/vnd.qlik.sense.app", "application/vnd.qlik.sense.app"),
        (b'{"a": 1}', "content-type: text/plain", "text/plain"),
    ],
)
def test_a_file_body_is_sent_exactly_with_the_right_type(
    tmp_path: Path, keys: GeneratedKeys, content: bytes, given: str | None, sent_type: str
) -> None:
    body = tmp_path / "body.bin"
    body.write_bytes(content)
    with hostile_server(replies([answer(200, b"{}", [("Content-Type", "application/json")])])) as server:
        profiles = hostile_profiles(tmp_path, keys, server.url)
        extra = ["-H", given] if given else []
        proc = run_cli("call", "--profiles", str(profiles), "POST", "/qrs/x", "-d", f"@{body}", *extra)
        assert proc.returncode == 0, proc.stderr
        (received,) = server.received
    assert received.body == content and received.headers["content-length"] == str(len(content))
    assert received.headers["content-type"] == sent_type and "transfer-encoding" not in received.headers


def test_a_file_that_starts_like_json_but_is_not_is_refused(demo: Demo, tmp_path: Path) -> None:
    body = tmp_path / "broken.json"
    body.write_text('{"name": ')
    proc = call(demo, "POST", "/qrs/tag", "-d", f"@{body}")
    assert_clean_failure(proc)
    assert "starts like JSON but is not valid JSON" in proc.stderr and "application/octet-stream" in proc.stderr


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_a_body_refused_with_401_is_sent_again_whole(demo: Demo, tmp_path: Path, source: str) -> None:
    assert call(demo, "GET", "/qrs/about").returncode == 0  # a kept session...
    demo.qseow.drop_sessions()  # ...that the proxy forgot: the upload is refused once, then re-sent
    app = tmp_path / "small.qvf"
    digest = make_file(app, 3 * MB + 17)
    if source == "file":
        proc = call(demo, "POST", "/qrs/app/upload", "-q", "name=Again", "-H", APP_TYPE, "-d", f"@{app}")
    else:
        with app.open("rb") as stdin:
            proc_b = subprocess.run(
                [*CLI, "--profiles", str(demo.profiles_path), "-p", "demo-qseow", *UPLOAD, "-d", "-"],
                stdin=stdin,
                capture_output=True,
                timeout=60,
            )
        proc = subprocess.CompletedProcess(proc_b.args, proc_b.returncode, proc_b.stdout.decode(), proc_b.stderr.decode())
    assert proc.returncode == 0, proc.stderr
    assert demo.qseow.stats.jwt_logins == 2  # the refusal really happened
    created = json.loads(proc.stdout)
    token = str(uuid.uuid4())
    ticket = json.loads(call(demo, "POST", f"/qrs/app/{created['id']}/export/{token}").stdout)
    back = tmp_path / "back.qvf"
    assert call(demo, "GET", ticket["downloadPath"], "-o", str(back)).returncode == 0
    assert sha256_of(back) == digest
    assert not [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("qlik-tui-body-*") if p.stat().st_uid == os.getuid()]


def test_output_never_overwrites_without_force_and_failures_leave_no_file(demo: Demo, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "about.json"
    target.write_text("mine")
    proc = call(demo, "GET", "/qrs/about", "-o", str(target))
    assert_clean_failure(proc)
    assert "exists" in proc.stderr and "--force" in proc.stderr and target.read_text() == "mine"
    assert demo.qseow.stats.requests == 0  # refused before anything was sent
    proc = call(demo, "GET", "/qrs/about", "-o", str(target), "--force")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text())["buildVersion"] == "38.22.0"
    missing = folder / "missing.qvf"
    proc = call(demo, "GET", f"/qrs/download/app/{uuid.uuid4()}/{uuid.uuid4()}/x.qvf", "-o", str(missing))
    assert proc.returncode != 0 and "404" in proc.stderr
    assert not missing.exists() and sorted(p.name for p in folder.iterdir()) == ["about.json"]


def test_output_takes_one_response(demo: Demo, tmp_path: Path) -> None:
    proc = call(demo, "GET", "/qrs/about", "-o", str(tmp_path / "x"), "--watch", "1")
    assert_clean_failure(proc)
    assert "-o FILE takes one response" in proc.stderr
    proc = call(demo, "GET", "/qrs/about", "--force")
    assert_clean_failure(proc)
    assert "--force goes with -o" in proc.stderr


def test_a_binary_answer_is_refused_on_a_terminal_and_exact_in_a_pipe(demo: Demo) -> None:
    app_id = demo.qseow.store.objects["app"][0]["id"]
    token = str(uuid.uuid4())
    path = json.loads(call(demo, "POST", f"/qrs/app/{app_id}/export/{token}").stdout)["downloadPath"]
    args = [sys.executable, "-m", "qlik_tui", "call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", path]
    piped = subprocess.run(args, capture_output=True, timeout=60)
    assert piped.returncode == 0 and len(piped.stdout) == 256 * 1024 and b"\x00" in piped.stdout
    leader, follower = pty.openpty()
    try:
        on_tty = subprocess.run(args, stdout=follower, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert on_tty.returncode == 2
    assert b"the response is binary (262,144 bytes, application/octet-stream)" in on_tty.stderr
    assert b"-o FILE" in on_tty.stderr and b"Traceback" not in on_tty.stderr


def test_upload_needs_a_name_and_the_app_type_and_replace_swaps_the_content(demo: Demo, tmp_path: Path) -> None:
    first, second = tmp_path / "a.qvf", tmp_path / "b.qvf"
    first.write_bytes(b"\x00first" * 1000)
    second.write_bytes(b"\x00second" * 2000)
    proc = call(demo, "POST", "/qrs/app/upload", "-q", "name=X", "-d", f"@{first}")  # sent as octet-stream
    assert proc.returncode == 4 and "415" in proc.stderr
    proc = call(demo, "POST", "/qrs/app/upload", "-H", APP_TYPE, "-d", f"@{first}")
    assert proc.returncode == 4 and "'name' is required" in proc.stdout
    app = upload(demo, first, "X")
    proc = call(demo, "POST", "/qrs/app/upload/replace", "-q", f"targetappid={app['id']}", "-H", APP_TYPE, "-d", f"@{second}")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fileSize"] == second.stat().st_size
    token = str(uuid.uuid4())
    ticket = json.loads(call(demo, "POST", f"/qrs/app/{app['id']}/export/{token}").stdout)
    back = tmp_path / "back.qvf"
    assert call(demo, "GET", f"/qrs/download/app/{app['id']}/{token}/X.qvf", "-o", str(back)).returncode == 0
    assert back.read_bytes() == second.read_bytes()
    ended = call(demo, "DELETE", f"/qrs/app/{app['id']}/export/{token}")
    assert ended.returncode == 0 and json.loads(ended.stdout)["cancelled"] is True
    assert call(demo, "GET", ticket["downloadPath"], "-o", str(tmp_path / "gone.qvf")).returncode == 4  # ticket ended


def test_a_download_shows_progress_on_a_terminal_and_gets_the_umask_mode(demo: Demo, tmp_path: Path) -> None:
    app_id = demo.qseow.store.objects["app"][1]["id"]
    token = str(uuid.uuid4())
    path = json.loads(call(demo, "POST", f"/qrs/app/{app_id}/export/{token}").stdout)["downloadPath"]
    target = tmp_path / "app.qvf"
    args = [*CLI, "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", path, "-o", str(target)]
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=follower, timeout=60)
        os.close(follower)
        said = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0 and proc.stdout == b""
    assert b"0.2 of 0.2 MB (100%)" in said and b"saved 262,144 bytes" in said
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # an app is not a secret: the usual mode
    piped = call(demo, "GET", path, "-o", str(tmp_path / "quiet.qvf"))
    assert piped.returncode == 0 and "MB" not in piped.stderr  # no progress line into a pipe or log
