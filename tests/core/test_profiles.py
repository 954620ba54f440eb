from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qlik_tui.cli.common import pick_profile
from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.errors import ProfileError
from qlik_tui.core.profiles.loader import default_profiles_path, load_profiles, parse_profiles, profiles_to_toml, read_toml
from qlik_tui.core.profiles.model import CloudProfile, ProfileSet, QseowProfile
from qlik_tui.core.profiles.store import save_profiles
from tests.conftest import write_profiles


def problems_of(path: Path) -> list[str]:
    """Every problem, as the strict parse (the one the store uses before writing) lists them."""
    with pytest.raises(ProfileError) as info:
        parse_profiles(read_toml(path), path)
    return info.value.problems or [info.value.message]


def test_loads_both_kinds(profiles_file: Path, keys: GeneratedKeys) -> None:
    ps = load_profiles(profiles_file)
    assert ps.default == "prod" and ps.names() == ["prod", "eu"]
    prod, eu = ps.profiles["prod"], ps.profiles["eu"]
    assert isinstance(prod, QseowProfile) and isinstance(eu, CloudProfile)
    assert prod.key_path == keys.key_path and prod.virtual_proxy == "jwt"
    assert eu.claims["subType"] == "user" and eu.lifetime_seconds == 1800


def test_example_file_is_valid() -> None:
    ps = load_profiles(Path(__file__).parents[2] / "profiles.example.toml")
    assert ps.names() == ["prod", "eu", "header", "qrs", "eu-key", "eu-m2m"] and not ps.broken
    # one commented example per sign-in method
    methods = {f"{p.type}:{p.auth}" for p in ps.profiles.values()}
    assert methods == {"qseow:jwt", "qseow:header", "qseow:certificate", "cloud:jwt", "cloud:api_key", "cloud:oauth"}


def test_relative_and_env_paths(tmp_path: Path, keys: GeneratedKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYDIR", str(keys.key_path.parent))
    path = tmp_path / "p.toml"
    path.write_text(
        '[profiles.a]\ntype="qseow"\nurl="https://h"\nkey="$KEYDIR/private.pem"\ncert="c.pem"\n[profiles.a.claims]\nuserId="x"\n'
    )
    prof = load_profiles(path).profiles["a"]
    assert prof.key_path == keys.key_path
    assert prof.cert_path == tmp_path.resolve() / "c.pem"


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[profiles.a]\ntype = "qseow\n')
    with pytest.raises(ProfileError) as info:
        load_profiles(path)
    assert str(path) in info.value.message and "line 2" in info.value.message and "column" in info.value.message
    assert info.value.hint


def test_missing_file_points_at_demo(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as info:
        load_profiles(tmp_path / "nope.toml")
    assert "no profiles file" in info.value.message and "qlik-tui demo" in info.value.hint


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\nlifetme="1h"\n[profiles.x.claims]\nuserId="a"\n',
            "did you mean `lifetime`",
        ),
        ('[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\n', "`claims` is empty"),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\nalgorithm="HS256"\n[profiles.x.claims]\nuserId="a"\n',
            "'HS256' is not accepted",
        ),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h/jwt"\nkey="k"\n[profiles.x.claims]\nuserId="a"\n',
            "put the prefix in `virtual_proxy`",
        ),
        ('[profiles.x]\ntype="qseow"\nurl="h.example.com"\nkey="k"\n[profiles.x.claims]\nuserId="a"\n', "is not scheme://host"),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\nlifetime="1y"\n[profiles.x.claims]\nuserId="a"\n',
            "is not a duration",
        ),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\nverify_tls="no"\n[profiles.x.claims]\nuserId="a"\n',
            "true or false",
        ),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\nvirtual_proxy="JWT"\n[profiles.x.claims]\nuserId="a"\n',
            "not a virtual proxy prefix",
        ),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\nkey_id="x"\n[profiles.x.claims]\nuserId="a"\n',
            "is for cloud profiles",
        ),
        (
            '[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\n[profiles.x.claims]\nuserId="a"\nexp=5\n',
            "claim `exp` cannot be set",
        ),
        ('[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\n[profiles.x.claims]\nuserId=1979-05-27\n', "dates and times"),
        ('[profiles.x]\ntype="sense"\n', 'must be "qseow" or "cloud"'),
        ('[profiles.x]\ntype="qseow"\nurl="https://h"\n[profiles.x.claims]\nuserId="a"\n', "key `key` is missing"),
        (
            'default="nope"\n[profiles.x]\ntype="qseow"\nurl="https://h"\nkey="k"\n[profiles.x.claims]\nuserId="a"\n',
            "not in the file",
        ),
        ('colour="blue"\n', "key `colour` is not known"),
    ],
)
def test_qseow_and_general_problems(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(body)
    problems = problems_of(path)
    assert any(expected in p for p in problems), problems


CLOUD_BASE = '[profiles.c]\ntype="cloud"\nurl="https://t.eu.qlikcloud.com"\nkey="k"\nkey_id="kid"\nissuer="iss"\n{extra}\n[profiles.c.claims]\n{claims}\n'
GOOD_CLAIMS = 'sub="s"\nname="n"\nemail="e@x.com"\nemail_verified=true\n'


@pytest.mark.parametrize(
    ("extra", "claims", "expected"),
    [
        ('lifetime="2h"', GOOD_CLAIMS, "1-hour limit"),
        ("lifetime=3601", GOOD_CLAIMS, "1-hour limit"),
        ("", GOOD_CLAIMS.replace("email_verified=true", 'email_verified="true"'), "boolean"),
        ("", GOOD_CLAIMS + 'group=["a"]', "did you mean `groups`"),
        ("", GOOD_CLAIMS + 'groups="a"', "list of strings"),
        ("", GOOD_CLAIMS + 'subType="client"', 'accepts only "user"'),
        ("", 'name="n"\nemail="e@x.com"\nemail_verified=true', "claim `sub` is missing"),
        ("", GOOD_CLAIMS.replace("e@x.com", "nobody"), "not an email"),
        ('algorithm="RS512"', GOOD_CLAIMS, "'RS512' is not accepted by Qlik Cloud"),
        ('audience="x"', GOOD_CLAIMS, "is for qseow profiles"),
        ("", GOOD_CLAIMS + 'jti="x"', "claim `jti` cannot be set"),
    ],
)
def test_cloud_problems(tmp_path: Path, extra: str, claims: str, expected: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(CLOUD_BASE.format(extra=extra, claims=claims))
    problems = problems_of(path)
    assert any(expected in p for p in problems), problems


def test_cloud_missing_key_id_and_issuer(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(f'[profiles.c]\ntype="cloud"\nurl="https://t"\nkey="k"\n[profiles.c.claims]\n{GOOD_CLAIMS}')
    problems = problems_of(path)
    assert any("`key_id` is missing" in p for p in problems) and any("`issuer` is missing" in p for p in problems)


def test_every_problem_is_reported_once_with_profile_name(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[profiles.x]\ntype="qseow"\nurl="ftp://h"\nkey="k"\nlifetime="soon"\n[profiles.x.claims]\nuserId="a"\n')
    problems = problems_of(path)
    assert len(problems) == 2 and all(p.startswith("profile 'x'") for p in problems)


def test_default_path_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("QLIK_TUI_PROFILES", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_profiles_path() == tmp_path / "qlik-tui" / "profiles.toml"
    monkeypatch.setenv("QLIK_TUI_PROFILES", str(tmp_path / "x.toml"))
    assert default_profiles_path() == tmp_path / "x.toml"


# ---- saving -------------------------------------------------------------------------


def test_save_round_trip_keeps_backup_and_mode(profiles_file: Path) -> None:
    before = profiles_file.read_bytes()
    ps = load_profiles(profiles_file)
    save_profiles(ProfileSet(ps.path, ps.profiles, "eu"))  # a change: an unchanged set writes nothing
    ps = load_profiles(profiles_file)
    assert stat.S_IMODE(os.stat(profiles_file).st_mode) == 0o600
    backup = profiles_file.with_name("profiles.toml.bak")
    assert backup.read_bytes() == before and stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    again = load_profiles(profiles_file)
    assert again.profiles == ps.profiles and again.default == ps.default
    assert not [p for p in profiles_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_never_overwrites_a_file_that_does_not_parse(profiles_file: Path, tmp_path: Path) -> None:
    ps = load_profiles(profiles_file)
    broken = b'[profiles.a\ntype = "qseow"\n'
    profiles_file.write_bytes(broken)
    with pytest.raises(ProfileError) as info:
        save_profiles(ps)
    assert "not saved" in info.value.message
    assert profiles_file.read_bytes() == broken
    assert not profiles_file.with_name("profiles.toml.bak").exists()


def test_refuses_to_save_an_invalid_profile(profiles_file: Path) -> None:
    ps = load_profiles(profiles_file)
    bad = ProfileSet(ps.path, ps.profiles, default="missing")
    before = profiles_file.read_bytes()
    with pytest.raises(ProfileError):
        save_profiles(bad)
    assert profiles_file.read_bytes() == before


names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
claim_values = st.one_of(
    st.text(max_size=20), st.integers(-(2**40), 2**40), st.booleans(), st.lists(st.text(max_size=8), max_size=3)
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profile_name=names,
    claims=st.dictionaries(
        st.text(min_size=1, max_size=10).filter(lambda k: k not in {"exp", "iat", "nbf", "jti", "aud", "iss"}),
        claim_values,
        min_size=1,
        max_size=5,
    ),
    lifetime=st.one_of(st.integers(1, 10**6), st.sampled_from(["90s", "30m", "1h", "2d", "1h30m"])),
    proxy=st.from_regex(r"[a-z0-9-]{0,10}", fullmatch=True),
)
def test_save_load_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory,
    keys: GeneratedKeys,
    profile_name: str,
    claims: dict[str, object],
    lifetime: object,
    proxy: str,
) -> None:
    folder = tmp_path_factory.mktemp("rt")
    path = folder / "profiles.toml"
    raw = {
        "type": "qseow",
        "url": "https://h.example.com:4243",
        "virtual_proxy": proxy,
        "key": str(keys.key_path),
        "lifetime": lifetime,
        "claims": claims,
    }
    ps = parse_profiles({"default": profile_name, "profiles": {profile_name: raw}}, path)
    save_profiles(ps)
    again = load_profiles(path)
    assert again.profiles == ps.profiles
    assert profiles_to_toml(again) == profiles_to_toml(ps)


def test_save_creates_missing_folder(tmp_path: Path, profiles_file: Path) -> None:
    ps = load_profiles(profiles_file)
    target = tmp_path / "new" / "deeper" / "profiles.toml"
    save_profiles(ps, target)
    assert load_profiles(target).names() == ["prod", "eu"]


def test_without_a_default_the_only_profile_is_used_and_several_ask_for_a_choice(
    tmp_path: Path, keys: GeneratedKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QLIK_TUI_PROFILE", raising=False)
    several = load_profiles(write_profiles(tmp_path, keys, default=None))
    assert several.default is None and several.names() == ["prod", "eu"]
    with pytest.raises(ProfileError, match="several profiles and no default") as info:
        pick_profile(several, None)
    assert "prod, eu" in info.value.message and "-p NAME" in info.value.hint
    assert pick_profile(several, "eu").name == "eu"
    monkeypatch.setenv("QLIK_TUI_PROFILE", "prod")
    assert pick_profile(several, None).name == "prod"
    monkeypatch.delenv("QLIK_TUI_PROFILE")
    only = tmp_path / "only"
    only.mkdir()
    text = write_profiles(only, keys, default=None).read_text(encoding="utf-8")
    (only / "profiles.toml").write_text(text[: text.index("[profiles.eu]")], encoding="utf-8")
    single = load_profiles(only / "profiles.toml")
    assert single.names() == ["prod"] and pick_profile(single, None).name == "prod"
