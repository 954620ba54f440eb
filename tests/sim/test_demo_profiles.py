"""The demo's own profiles file is rebuilt at every start without dropping what a person added."""

from __future__ import annotations

from pathlib import Path

from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.demo.environment import DemoOptions, start_demo
from qlik_tui.demo.faults import Faults

ADDED = '\n[profiles.mine]\ntype = "qseow"\nurl = "https://mine"\nkey = "k.pem"\n[profiles.mine.claims]\nuserId = "me"\n'


def test_profiles_added_to_the_demo_file_survive_the_next_start(tmp_path: Path) -> None:
    options = DemoOptions(tmp_path / "demo", tls=False, faults=Faults())
    with start_demo(options) as first:
        with first.profiles_path.open("a") as handle:
            handle.write(ADDED)
        old_url = load_profiles(first.profiles_path).profiles["demo-qseow"].url
    with start_demo(options) as second:
        profiles = load_profiles(second.profiles_path).profiles
    assert list(profiles) == ["demo-qseow", "demo-cloud", "demo-cloud-apikey", "demo-cloud-oauth", "mine"]
    assert profiles["mine"].url == "https://mine" and profiles["demo-qseow"].url != old_url


def test_a_broken_demo_file_is_kept_as_bak_before_it_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "profiles.toml").write_text("[profiles.mine\n")
    with start_demo(DemoOptions(folder, tls=False, faults=Faults())) as demo:
        assert load_profiles(demo.profiles_path).names() == ["demo-qseow", "demo-cloud", "demo-cloud-apikey", "demo-cloud-oauth"]
    assert (folder / "profiles.toml.bak").read_text() == "[profiles.mine\n"
