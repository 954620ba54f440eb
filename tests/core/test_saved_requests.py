"""Saved requests: the TOML files, the collection folder, `{{name}}` variables, and no secrets written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from qlik_tui.core.errors import UsageError
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.saved import store
from qlik_tui.core.saved.model import SavedRequest
from qlik_tui.core.saved.store import SavedRequestError
from qlik_tui.core.saved.variables import UnresolvedVariables, fill, names_in, parse_var_items, to_request

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnb3JhbiJ9.c2lnbmF0dXJl"
COOKIE = "X-Qlik-Session-jwt=0f8a7c1e-cookie-value"
CSRF = "csrf-4b1d5e0c9a"
XRF = "abcdefghij012345"


def apps(**changes: object) -> SavedRequest:
    base = SavedRequest(
        name="finance/apps in stream",
        method="GET",
        path="/qrs/app/full",
        query=(("filter", "stream.name eq '{{stream}}'"), ("orderby", "name desc")),
        headers=(("Accept-Language", "en"),),
        description="Apps of one stream",
    )
    return SavedRequest(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_save_writes_a_plain_diffable_file_and_load_reads_it_back(tmp_path: Path) -> None:
    path, notes = store.save(tmp_path, apps())
    assert path == tmp_path / "finance" / "apps in stream.toml" and notes == []
    text = path.read_text()
    # One row per line, as a person would write it, so a git diff shows the row that changed.
    assert 'method = "GET"\npath = "/qrs/app/full"\nquery = [\n    "filter=stream.name eq \'{{stream}}\'",\n' in text
    assert 'headers = ["Accept-Language: en"]' in text and 'description = "Apps of one stream"' in text
    assert store.load(tmp_path, "finance/apps in stream") == apps()
    assert store.load(tmp_path, "finance/apps in stream.toml") == apps()  # the file name works too
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_body_with_quotes_and_backslashes_round_trips_exactly(tmp_path: Path) -> None:
    body = '{\n  "name": "say \\"\\"\\" and \\\\ then \'\'\'",\n  "n": 1\n}'
    store.save(tmp_path, apps(method="POST", body=body, name="odd"))
    assert store.load(tmp_path, "odd").body == body


def test_resaving_edits_the_file_keeping_a_persons_comments(tmp_path: Path) -> None:
    path, _ = store.save(tmp_path, apps())
    path.write_text("# owned by the finance team\n" + path.read_text() + "# keep this line\n")
    with pytest.raises(SavedRequestError, match="exists already"):
        store.save(tmp_path, apps(method="DELETE"))
    store.save(tmp_path, apps(method="DELETE", headers=()), overwrite=True)
    text = path.read_text()
    assert text.startswith("# owned by the finance team\n") and "# keep this line" in text
    assert 'method = "DELETE"' in text and "headers" not in text


def test_sub_folders_are_groups_and_hidden_folders_are_skipped(tmp_path: Path) -> None:
    store.save(tmp_path, apps(name="about"))
    store.save(tmp_path, apps(name="finance/streams"))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.toml").write_text("x = 1")
    (tmp_path / "notes.txt").write_text("not a request")
    names = store.list_names(tmp_path)
    assert names == ["about", "finance/streams"]
    assert store.load(tmp_path, "finance/streams").group == "finance"


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a//b", ".hidden", "", "x/" * 10 + "y", "a\nb"])
def test_names_that_leave_the_collection_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(SavedRequestError, match="not a saved request name"):
        store.save(tmp_path, apps(name=name))


def test_an_unknown_name_lists_what_is_saved(tmp_path: Path) -> None:
    store.save(tmp_path, apps(name="about"))
    with pytest.raises(SavedRequestError) as info:
        store.load(tmp_path, "abuot")
    assert "no saved request named 'abuot'" in info.value.message and "(saved: about)" in info.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('methd = "GET"\npath = "/x"', "key `methd` is not known"),
        ('method = "FETCH"\npath = "/x"', "is not an HTTP method"),
        ('method = "GET"', "`path` is missing"),
        ('path = "/x"\nquery = "a=b"', "`query` must be a list of strings"),
        ('path = "/x"\nheaders = ["no colon"]', "is not 'name:value'"),
        ("path = [", "TOML syntax error"),
    ],
)
def test_a_broken_file_is_one_readable_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(SavedRequestError, match=r"bad\.toml") as info:
        store.load(tmp_path, "bad")
    assert message in info.value.message


def test_a_fifo_or_a_huge_file_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    with pytest.raises(SavedRequestError, match=r"is a named pipe|not a saved request"):
        store.load(tmp_path, "pipe")
    (tmp_path / "big.toml").write_bytes(b"#" * (store.MAX_FILE + 1))
    with pytest.raises(SavedRequestError, match="too big"):
        store.load(tmp_path, "big")


def test_secrets_are_never_written(tmp_path: Path) -> None:
    secret = apps(
        method="POST",
        path=f"/api/v1/things/{JWT}",
        query=(("access_token", "hunter2-query"), ("filter", f"x eq '{JWT}'"), ("xrfkey", XRF)),
        headers=(
            ("Authorization", f"Bearer {JWT}"),
            ("Cookie", COOKIE),
            ("qlik-csrf-token", CSRF),
            ("X-Qlik-Xrfkey", XRF),
            ("X-Trace", JWT),
        ),
        body='{"name": "x", "client_secret": "hunter2-body", "nested": [{"apiKey": "hunter2-key", "t": "' + JWT + '"}]}',
    )
    path, notes = store.save(tmp_path, secret)
    written = path.read_bytes()
    for value in (JWT, "eyJ", COOKIE, "0f8a7c1e", CSRF, XRF, "hunter2"):
        assert value.encode() not in written, value
    assert "header Authorization not saved: the profile signs requests" in notes
    assert any("client_secret" in n and "{{client_secret}}" in n for n in notes)
    saved = store.load(tmp_path, secret.name)
    assert [h for h, _ in saved.headers] == ["X-Trace"]
    assert ("access_token", "{{access_token}}") in saved.query and ("xrfkey", "{{xrfkey}}") in saved.query
    # The secrets come back as variables, filled in from vars or the environment at send time.
    assert names_in(saved) == ["token", "access_token", "xrfkey", "client_secret", "apiKey"]


def test_a_query_typed_into_the_path_is_checked_like_the_rows(tmp_path: Path) -> None:
    path, notes = store.save(tmp_path, apps(path="/qrs/app?access_token=hunter2&filter=name eq 'x'", query=()))
    assert "hunter2" not in path.read_text()
    saved = store.load(tmp_path, apps().name)
    assert saved.path == "/qrs/app" and saved.query == (("access_token", "{{access_token}}"), ("filter", "name eq 'x'"))
    assert notes == ["query access_token: its value is a secret, saved as {{access_token}}"]


def test_variables_come_from_the_first_source_that_has_them() -> None:
    saved = apps(path="/qrs/{{kind}}/full", body=None)
    filled = fill(saved, [{"kind": "app"}, {"kind": "stream", "stream": "Finance"}, {"stream": "Env"}])
    assert filled.path == "/qrs/app/full" and filled.query[0] == ("filter", "stream.name eq 'Finance'")
    request = to_request(filled)
    assert request.label() == "GET /qrs/app/full?filter=stream.name%20eq%20%27Finance%27&orderby=name%20desc"


def test_unresolved_variables_are_named_and_refused() -> None:
    saved = apps(path="/qrs/{{ kind }}/full", headers=(("X-Tenant", "{{tenant}}"),))
    with pytest.raises(UnresolvedVariables) as info:
        fill(saved, [{"stream": "Finance"}])
    assert info.value.names == ["kind", "tenant"]
    assert info.value.message == "no value for {{kind}}, {{tenant}}" and "--var kind=VALUE" in info.value.hint
    with pytest.raises(UnresolvedVariables):
        to_request(saved)  # never sent with the braces in it


def test_a_filled_body_must_still_be_json() -> None:
    saved = apps(method="POST", body='{"count": {{n}}}')
    assert to_request(fill(saved, [{"n": "3", "stream": "x"}])).body == b'{"count": 3}'
    with pytest.raises(UsageError, match="not valid JSON once filled in"):
        to_request(fill(saved, [{"n": "three", "stream": "x"}]))


def test_var_flags_need_a_name_and_a_value() -> None:
    assert parse_var_items(["stream=Finance = Q1", "id="]) == {"stream": "Finance = Q1", "id": ""}
    with pytest.raises(UsageError, match="not name=value"):
        parse_var_items(["1bad=x"])
    with pytest.raises(UsageError, match="not name=value"):
        parse_var_items(["novalue"])


def test_profiles_file_takes_a_collection_and_vars(tmp_path: Path, profiles_file: Path) -> None:
    text = profiles_file.read_text().replace('default = "prod"', 'default = "prod"\ncollection = "requests"')
    profiles_file.write_text(text + '\n[profiles.prod.vars]\nstream = "Finance"\n')
    profile_set = load_profiles(profiles_file)
    assert profile_set.profiles["prod"].vars == {"stream": "Finance"} and profile_set.profiles["eu"].vars == {}
    assert store.collection_dir(profile_set) == tmp_path / "requests"
    assert store.collection_dir(profile_set, "~/elsewhere") == Path.home() / "elsewhere"


def test_vars_must_be_strings(profiles_file: Path) -> None:
    profiles_file.write_text(profiles_file.read_text() + "\n[profiles.prod.vars]\ncount = 3\n")
    profile_set = load_profiles(profiles_file)
    assert any("key `vars`: must be a table of strings" in p for p in profile_set.broken["prod"])


def test_default_collection_is_under_xdg_data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert store.collection_dir(None) == tmp_path / "qlik-tui" / "requests"


def test_rename_moves_between_groups_keeps_the_file_and_never_overwrites(tmp_path: Path) -> None:
    store.save(tmp_path, apps(name="finance/apps"))
    (tmp_path / "finance" / "apps.toml").write_text("# mine\n" + (tmp_path / "finance" / "apps.toml").read_text())
    store.save(tmp_path, apps(name="other"))
    before = (tmp_path / "finance" / "apps.toml").read_bytes()
    moved = store.rename(tmp_path, "finance/apps", "ops/daily/apps")
    assert moved == tmp_path / "ops" / "daily" / "apps.toml" and moved.read_bytes() == before  # comments and all
    assert not (tmp_path / "finance").exists()  # the emptied group is gone
    assert sorted(store.list_names(tmp_path)) == ["ops/daily/apps", "other"]
    with pytest.raises(SavedRequestError, match="exists already"):
        store.rename(tmp_path, "other", "ops/daily/apps")
    assert moved.read_bytes() == before and (tmp_path / "other.toml").exists()
    with pytest.raises(SavedRequestError, match="not a saved request name"):
        store.rename(tmp_path, "other", "../escape")
    with pytest.raises(SavedRequestError, match="no saved request named 'gone'"):
        store.rename(tmp_path, "gone", "x")


def test_delete_removes_only_that_file_and_empty_groups(tmp_path: Path) -> None:
    store.save(tmp_path, apps(name="finance/apps"))
    store.save(tmp_path, apps(name="finance/q1/apps"))
    (tmp_path / "finance" / "notes.md").write_text("not a request")
    store.delete(tmp_path, "finance/q1/apps")
    assert not (tmp_path / "finance" / "q1").exists() and (tmp_path / "finance" / "apps.toml").exists()
    store.delete(tmp_path, "finance/apps")
    assert (tmp_path / "finance" / "notes.md").exists()  # a group with other files stays
    with pytest.raises(SavedRequestError, match="no saved request named"):
        store.delete(tmp_path, "finance/apps")
    (tmp_path / "target.toml").write_text('method = "GET"\npath = "/qrs/about"\n')
    (tmp_path / "link.toml").symlink_to(tmp_path / "target.toml")
    with pytest.raises(SavedRequestError):
        store.delete(tmp_path, "link")  # a symlink is not followed, nor removed as if it were the request
    assert (tmp_path / "target.toml").exists()
