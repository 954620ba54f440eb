"""Pasted curl / HTTPie / xh commands read back into requests, and fitted to the profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlik_tui.core.errors import UsageError
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.share.curl_export import to_curl
from qlik_tui.core.share.curl_import import looks_like_command, parse_command
from qlik_tui.core.share.import_request import import_command
from qlik_tui.core.share.powershell_export import quote as ps_quote
from qlik_tui.core.share.target import Target


def test_curl_from_a_browser_with_continuations_method_headers_and_body() -> None:
    text = """curl 'https://qliksense.example.com/jwt/qrs/tag?xrfkey=abcdefghijklmnop' \\
  -X 'POST' \\
  -H 'X-Qlik-Xrfkey: abcdefghijklmnop' \\
  -H 'Accept-Language: sv' \\
  --data-raw '{"name":"it'"'"'s"}' --compressed"""
    got = parse_command(text)
    assert (got.method, got.path, got.body) == ("POST", "/jwt/qrs/tag", '{"name":"it\'s"}')
    assert ("Accept-Language", "sv") in got.headers


def test_curl_glued_and_bundled_options_and_get_with_data() -> None:
    got = parse_command("curl -sSG -XGET https://h/api/v1/items -d resourceType=app -d limit=10 -HX-Trace:1")
    assert got.method == "GET" and got.body is None
    assert got.query == [("resourceType", "app"), ("limit", "10")] and got.headers == [("X-Trace", "1")]
    assert parse_command("curl -d '{}' https://h/x").method == "POST"  # data without -X: curl posts
    assert parse_command("curl -I https://h/x").method == "HEAD"


def test_httpie_and_xh_items() -> None:
    got = parse_command("http PUT example.com/api/v1/spaces/1 name=Sales count:=3 tags:='[\"a\"]' X-A:b q==x -a u:p")
    assert (got.method, got.url) == ("PUT", "http://example.com/api/v1/spaces/1")
    assert got.body == '{"name": "Sales", "count": 3, "tags": ["a"]}'
    assert got.headers == [("X-A", "b")] and got.query == [("q", "x")] and any("-a" in n for n in got.notes)
    assert parse_command("xhs :8443/qrs/about").url == "https://localhost:8443/qrs/about"


def test_not_a_command_and_broken_quotes_are_usage_errors() -> None:
    assert not looks_like_command("/qrs/app") and not looks_like_command("curl") and looks_like_command("curl x")
    with pytest.raises(UsageError, match="No closing quotation"):
        parse_command("curl 'https://h/x")
    with pytest.raises(UsageError, match="no URL"):
        parse_command("curl -sS")
    with pytest.raises(UsageError, match="needs a value"):
        parse_command("curl https://h -H")


def test_import_matches_the_profile_strips_prefix_and_drops_auth(profiles_file: Path) -> None:
    profiles = load_profiles(profiles_file).profiles.values()
    text = (
        "curl -X POST 'https://qliksense.example.com:443/jwt/qrs/app/full?filter=name%20eq%20%27Sales%27"
        "&xrfkey=abcdefghijklmnop' "
        "-H 'Authorization: Bearer eyJhbGciOi.x.y' -H 'X-Qlik-Xrfkey: abcdefghijklmnop' -H 'Cookie: X-Qlik-Session=s' "
        "-H 'Content-Type: application/json' -H 'X-Keep: 1' -d '{\"a\":1}'"
    )
    got = import_command(text, profiles, active="eu")
    assert (got.profile, got.method, got.path) == ("prod", "POST", "/qrs/app/full")
    assert got.query == [("filter", "name eq 'Sales'")] and got.headers == [("X-Keep", "1")]
    assert got.body == '{\n  "a": 1\n}'
    joined = " ".join(got.notes)
    assert "Authorization" in joined and "Cookie" in joined and "signs requests" in joined and "xrfkey dropped" in joined
    assert "eyJ" not in joined  # the pasted token is never repeated


def test_import_on_an_unknown_host_keeps_the_active_profile(profiles_file: Path) -> None:
    got = import_command("http https://elsewhere.example.com/api/v1/spaces", load_profiles(profiles_file).profiles.values())
    assert got.profile is None and got.path == "/api/v1/spaces" and "no profile is on https://elsewhere" in got.notes[0]


def test_our_own_export_reads_back(profiles_file: Path) -> None:
    profile_set = load_profiles(profiles_file)
    request = Request.build("POST", "/qrs/tag", [("privileges", "true")], b'{"name": "x y"}', [("X-Note", "a b")])
    script = to_curl(Target(profile_set.profiles["prod"], request))
    got = import_command(script, profile_set.profiles.values())
    assert (got.profile, got.method, got.path, got.query) == ("prod", "POST", "/qrs/tag", [("privileges", "true")])
    assert got.headers == [("X-Note", "a b")] and got.body == '{\n  "name": "x y"\n}'


def test_powershell_quote_doubles_every_single_quote_kind() -> None:
    assert ps_quote("it's") == "'it''s'"
    assert ps_quote("O\u2019Brien \u2018x\u201b \u201a") == "'O\u2019\u2019Brien \u2018\u2018x\u201b\u201b \u201a\u201a'"
    assert ps_quote("$env:HOME `n") == "'$env:HOME `n'"  # verbatim: no expansion inside single quotes


def test_browser_copy_as_curl_with_bash_ansi_c_strings() -> None:
    # Chrome and Firefox write bodies holding quotes as $'...' (bash's ANSI-C quoting), which shlex cannot read.
    text = r"""curl 'https://h/api/v1/spaces' -H 'content-type: application/json' --data-raw $'{"name":"it\'s \\ \u00e9\n"}'"""
    got = parse_command(text)
    assert got.method == "POST" and got.body == '{"name":"it\'s \\ é\n"}'
    assert parse_command("curl -H \"X-A: $'kept'\" https://h/x").headers == [("X-A", "$'kept'")]  # inside "...": literal


def test_a_multi_line_json_body_in_quotes_stays_one_argument() -> None:
    text = 'curl https://h/api/v1/spaces \\\n  -d \'{\n  "name": "a # b",\n  "type": "shared"\n}\'\n# a comment line\n'
    got = parse_command(text)
    assert got.body == '{\n  "name": "a # b",\n  "type": "shared"\n}' and got.url == "https://h/api/v1/spaces"
