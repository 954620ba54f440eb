"""Redirects and paging links a hostile server controls: each ends in one message, never a traceback.

httpx builds the next request of any redirect even when it will not follow it, so a Location
of `javascript:...` used to escape as httpx.InvalidURL; `urljoin` raises on `http://[::1`;
and the pages joined by --all-pages were written back with `json.dumps`, which recursed on
deep pages and could not encode a lone surrogate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.http.cloud import next_page_request
from qlik_tui.core.http.types import Response
from tests.cli_helpers import run_cli
from tests.hostile_server import Action, Received, answer, cloud_play, hostile_profiles, hostile_server, replies

JSON = [("Content-Type", "application/json")]


def call(profiles: Path, *args: str, profile: str = "h") -> tuple[int, str, str]:
    proc = run_cli("call", "--profiles", str(profiles), "-p", profile, *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("location", ["javascript:alert(1)", "mailto:admin@example.com", "data:text/html,hi", "//[::1"])
@pytest.mark.parametrize("profile", ["h", "c"])
def test_a_redirect_to_no_web_address_is_a_message(tmp_path: Path, keys: GeneratedKeys, location: str, profile: str) -> None:
    play = replies([answer(302, b"", [("Location", location)])])
    with hostile_server(cloud_play(play) if profile == "c" else play) as server:
        code, _, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/x", profile=profile)
    assert code == 4, err
    assert f"302: redirected to {location}, which is not a web address (not followed)" in err


def _paged(second: bytes) -> object:
    def api(req: Received) -> Iterable[Action]:
        if "page=2" in req.target:
            return [answer(200, second, JSON)]
        return [answer(200, b'{"data": [1], "links": {"next": {"href": "/api/v1/x?page=2"}}}', JSON)]

    return cloud_play(api)


def test_all_pages_keeps_a_lone_surrogate_as_its_escape(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(_paged(b'{"data": ["\\ud800 half"]}')) as server:
        code, out, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/x", "--all-pages", profile="c")
    assert code == 0, err
    assert json.loads(out) == {"data": [1, "\ud800 half"]} and "\\ud800 half" in out


def test_all_pages_joins_pages_nested_deeper_than_json_dumps_goes(tmp_path: Path, keys: GeneratedKeys) -> None:
    deep = b"[" * 3000 + b"]" * 3000
    with hostile_server(_paged(b'{"data": [' + deep + b"]}")) as server:
        code, out, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/x", "--all-pages", profile="c")
    assert code == 0, err
    assert "2 pages" in err and "".join(out.split()) == '{"data":[1,' + deep.decode() + "]}"


@pytest.mark.parametrize(
    ("href", "said"),
    [
        ("http://[::1/x", "links.next.href is not a URL (http://[::1/x)"),
        ("javascript:alert(1)", "links.next is not a web address (javascript:alert(1))"),
        ("file:///etc/passwd", "links.next is not a web address (file:///etc/passwd)"),
        ("{base_with_user}", "links.next carries a user name or password"),
    ],
)
def test_next_links_that_must_not_be_followed(tmp_path: Path, keys: GeneratedKeys, href: str, said: str) -> None:
    def api(req: Received) -> Iterable[Action]:
        target = href.replace("{base_with_user}", f"http://user:secret@{req.headers['host']}/api/v1/x")
        doc = {"data": [1], "links": {"next": {"href": target}}}
        return [answer(200, json.dumps(doc).encode(), JSON)]

    with hostile_server(cloud_play(api)) as server:
        code, _, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/api/v1/x", "--all-pages", profile="c")
    assert code == 4 and said in err and "pages are incomplete" in err, err
    assert "secret" not in err


def _page(doc: object, url: str = "https://t.example.com/api/v1/items?limit=1") -> Response:
    return Response("GET", url, 200, "OK", JSON, json.dumps(doc).encode(), 0.0)


def test_next_page_request_of_the_tui_follows_the_same_rules() -> None:
    tenant = "https://t.example.com"
    relative = _page({"data": [], "links": {"next": {"href": "/api/v1/items?next=abc"}}})
    request = next_page_request(relative, tenant)
    assert request is not None and request.path == "/api/v1/items" and request.query == (("next", "abc"),)
    assert next_page_request(_page({"data": []}), tenant) is None
    for href, said in (("http://[::1/x", "is not a URL"), ("https://evil.example.com/x", "another host (evil.example.com)")):
        with pytest.raises(RequestFailed) as info:
            next_page_request(_page({"data": [], "links": {"next": {"href": href}}}), tenant)
        assert said in info.value.message


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"size": 1e999999}', "the number 1e999999, larger than any float"),
        (b'{"size": NaN}', "NaN, which is not JSON"),
        (b'{"size": ' + b"9" * 10_000 + b"}", "an integer of more than 4,300 digits"),
    ],
    ids=["1e999999", "NaN", "10000-digits"],
)
def test_odd_numbers_are_said_and_the_body_kept_as_sent(tmp_path: Path, keys: GeneratedKeys, body: bytes, said: str) -> None:
    # 1e999999 was printed back as `Infinity` (no longer JSON, exit 0); a long integer was
    # "does not parse" with advice to call sys.set_int_max_str_digits().
    with hostile_server(replies([answer(200, body, JSON)])) as server:
        code, out, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/about")
    assert code == 4 and said in err and "set_int_max_str_digits" not in err, err
    assert out == body.decode() + "\n"


HEAD_FLOOD = b"HTTP/1.1 200 OK\r\n" + b"".join(b"Set-Cookie: c%d=%s; Path=/\r\n" % (i, b"v" * 100) for i in range(5000))


@pytest.mark.parametrize(
    ("script", "said"),
    [
        ([HEAD_FLOOD + b"Content-Length: 2\r\n\r\n{}"], "the answer's headers are over 64 kB"),
        (
            [b"HTTP/1.1 abc def\r\nContent-Length: 2\r\n\r\n{}"],
            "not valid HTTP (illegal status line: bytearray(b'HTTP/1.1 abc def'))",
        ),
    ],
    ids=["set-cookie-flood", "bad-status-line"],
)
def test_broken_heads_are_said_once(tmp_path: Path, keys: GeneratedKeys, script: list[Action], said: str) -> None:
    # "Receive buffer too long" (three times over, from httpx's chain of wrapped errors) said nothing.
    with hostile_server(replies(script)) as server:
        code, _, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/about")
    assert code == 4 and said in err and err.count("illegal status line") <= 1, err


@pytest.mark.parametrize("token", [b"\xff\xfe", b"x" * 5000], ids=["latin-1", "5000-chars"])
def test_a_csrf_token_that_cannot_go_back_is_the_tenants_fault(tmp_path: Path, keys: GeneratedKeys, token: bytes) -> None:
    # It was "cannot build the request ... check `url` in the profile": the wrong culprit.
    def play(req: Received) -> Iterable[Action]:
        if req.path == "/login/jwt-session":
            return [answer(200, b"", [("Set-Cookie", "eas.sid=s1; Path=/")])]
        if req.path == "/api/v1/csrf-token":
            return [b"HTTP/1.1 204 X\r\nqlik-csrf-token: " + token + b"\r\nContent-Length: 0\r\n\r\n"]
        return [answer(200, b"{}", JSON)]

    with hostile_server(play) as server:
        code, _, err = call(hostile_profiles(tmp_path, keys, server.url), "POST", "/api/v1/x", "-d", "{}", profile="c")
    assert code == 4 and "the tenant's CSRF token is not usable" in err and "check `url`" not in err, err
    assert len(server.received) == 2  # login and csrf-token: the POST was never sent


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"message": ' + b"[" * 3000 + b"]" * 3000 + b"}", "the server failed: [[[[[[["),
        (b'{"errors": [{"code": [1], "title": {"a": [1]}, "detail": 1e5}]}', 'the server failed: [1]: {"a": [1]} (100000.0)'),
        (b'{"errors": [{"title": "' + b"A" * 100_000 + b'"}]}', "AAAA… (99,500 more characters)"),
    ],
    ids=["message-nested-3000-deep", "non-string-fields", "100k-title"],
)
def test_odd_error_bodies_are_quoted_briefly(tmp_path: Path, keys: GeneratedKeys, body: bytes, said: str) -> None:
    # str() of the nested `message` raised RecursionError; other values were quoted as Python reprs, whole.
    with hostile_server(replies([answer(500, body, JSON)])) as server:
        code, _, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/about")
    assert code == 4 and said in err and len(err) < 2000, err[-600:]


def test_discovery_against_an_about_that_is_not_json_is_a_message(tmp_path: Path, keys: GeneratedKeys) -> None:
    # A 200 text/plain /qrs/about made response.json() raise a bare JSONDecodeError: a traceback.
    play = replies([answer(200, b"hello", [("Content-Type", "text/plain")])])
    with hostile_server(play) as server:
        proc = run_cli("endpoints", "--profiles", str(hostile_profiles(tmp_path, keys, server.url)), "-p", "h", "--discover")
    assert proc.returncode == 4 and "Traceback" not in proc.stderr, proc.stderr
    assert "/qrs/about: the answer is not JSON (200, text/plain, 5 bytes)" in proc.stderr


def _echo(req: Received) -> Iterable[Action]:
    return [answer(200, json.dumps({"target": req.target}).encode(), JSON)]


@pytest.mark.parametrize("path", ["/../qrs/about", "/qrs/app/../../../etc", "/qrs/./about"])
def test_dot_segments_never_leave_the_virtual_proxy_prefix(tmp_path: Path, keys: GeneratedKeys, path: str) -> None:
    # httpx resolved them: /../qrs/about went to the root proxy's /qrs/about, with the JWT.
    with hostile_server(_echo) as server:
        code, _, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", path)
        assert server.received == []
    assert code == 4 and "holds '.' or '..' segments: not sent" in err, err


def test_a_hash_in_the_path_is_sent_not_taken_for_a_fragment(tmp_path: Path, keys: GeneratedKeys) -> None:
    # Everything after '#' was a fragment, never sent: the xrfkey with it (a 403 from QSEoW).
    with hostile_server(_echo) as server:
        code, out, err = call(hostile_profiles(tmp_path, keys, server.url), "GET", "/qrs/app#x")
    assert code == 0, err
    assert json.loads(out)["target"].startswith("/jwt/qrs/app%23x?xrfkey=")
