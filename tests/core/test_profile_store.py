"""Saving profiles edits the user's file in place: layout kept, changes on disk kept, crash-safe."""

from __future__ import annotations

import dataclasses
import os
import random
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qlik_tui.core.errors import ProfileConflict, ProfileError
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import ProfileSet
from qlik_tui.core.profiles.store import clean_up, delete_profile, put_profile, save_profiles, set_default

HAND_WRITTEN = """\
# qlik-tui profiles — hand written
default   = "prod"     # the one I use most

[profiles.prod]   # production site
type = "qseow"
url  = "https://qliksense.example.com"
virtual_proxy = "jwt"
key = "keys/private.pem"      # never commit this
lifetime = "1h"
[profiles.prod.claims]
userDirectory = 'LAB'
userId        = "goran"

# ---- the cloud tenant --------------------------------
[profiles.eu]
type="cloud"
url="https://tenant.eu.qlikcloud.com"
key="keys/private.pem"
key_id = "kid-1"
issuer = "https://issuer.example.com"
lifetime = 1800
claims = { sub = "goran", name = "Göran", email = "g@example.com", email_verified = true }


[profiles.lab]
type = "qseow"
url = "http://lab:8080"
key = "/abs/key.pem"
  [profiles.lab.claims]
  userId = "x"   # indented, as some people write
  userDirectory = "LAB"
# trailing comment at the end of the file
"""


@pytest.fixture
def hand(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def backup(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def test_editing_one_key_changes_only_that_line(hand: Path) -> None:
    prod = load_profiles(hand).profiles["prod"]
    put_profile(hand, "prod", dataclasses.replace(prod, lifetime="10m", lifetime_seconds=600), old_name="prod", base=prod)
    assert hand.read_text(encoding="utf-8") == HAND_WRITTEN.replace('lifetime = "1h"', 'lifetime = "10m"')
    assert backup(hand).read_text(encoding="utf-8") == HAND_WRITTEN
    assert stat.S_IMODE(os.stat(hand).st_mode) == 0o600 and stat.S_IMODE(os.stat(backup(hand)).st_mode) == 0o600


def test_new_keys_go_inside_their_table_not_under_the_next_comment(hand: Path) -> None:
    prod = load_profiles(hand).profiles["prod"]
    changed = dataclasses.replace(prod, audience="qlik.example", claims={**prod.claims, "name": "Göran"})
    put_profile(hand, "prod", changed, old_name="prod", base=prod)
    expected = HAND_WRITTEN.replace('lifetime = "1h"\n', 'lifetime = "1h"\naudience = "qlik.example"\n').replace(
        'userId        = "goran"\n', 'userId        = "goran"\nname = "Göran"\n'
    )
    assert hand.read_text(encoding="utf-8") == expected
    assert load_profiles(hand).profiles["prod"] == changed


def test_inline_claims_table_stays_inline(hand: Path) -> None:
    eu = load_profiles(hand).profiles["eu"]
    put_profile(hand, "eu", dataclasses.replace(eu, claims={**eu.claims, "groups": ["Sales"]}), old_name="eu", base=eu)
    text = hand.read_text(encoding="utf-8")
    assert 'email_verified = true, groups = ["Sales"]}' in text
    assert text.replace(', groups = ["Sales"]}', " }") == HAND_WRITTEN


def test_rename_keeps_position_comments_and_default(hand: Path) -> None:
    prod = load_profiles(hand).profiles["prod"]
    saved = put_profile(hand, "onprem", prod, old_name="prod", base=prod)
    expected = HAND_WRITTEN.replace('"prod"', '"onprem"').replace("profiles.prod", "profiles.onprem")
    assert hand.read_text(encoding="utf-8") == expected
    assert saved.names() == ["onprem", "eu", "lab"] and saved.default == "onprem"


def test_delete_keeps_the_comment_that_introduces_the_next_profile(hand: Path) -> None:
    profiles = load_profiles(hand).profiles
    delete_profile(hand, "lab", base=profiles["lab"])
    start, end = HAND_WRITTEN.index("[profiles.lab]"), HAND_WRITTEN.index("# trailing comment")
    assert hand.read_text(encoding="utf-8") == HAND_WRITTEN[:start] + HAND_WRITTEN[end:]
    delete_profile(hand, "prod", base=profiles["prod"])  # the first one, and the default
    text = hand.read_text(encoding="utf-8")
    assert "# ---- the cloud tenant ---" in text and "default" not in text and "[profiles.prod" not in text
    assert text.endswith("# trailing comment at the end of the file\n")
    assert load_profiles(hand).names() == ["eu"]


def test_new_profile_is_appended_and_default_changes_in_place(hand: Path) -> None:
    eu = load_profiles(hand).profiles["eu"]
    put_profile(hand, "eu-copy", dataclasses.replace(eu, name="eu-copy"))
    text = hand.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN) and "[profiles.eu-copy]" in text[len(HAND_WRITTEN) :]
    set_default(hand, "eu")
    assert hand.read_text(encoding="utf-8") == text.replace('default   = "prod"', 'default   = "eu"')


def test_saving_without_a_change_writes_nothing(hand: Path) -> None:
    before = os.stat(hand)
    profile_set = load_profiles(hand)
    save_profiles(profile_set)
    prod = profile_set.profiles["prod"]
    put_profile(hand, "prod", prod, old_name="prod", base=prod)
    after = os.stat(hand)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not backup(hand).exists()


def test_whole_set_save_touches_only_what_differs(hand: Path) -> None:
    profile_set = load_profiles(hand)
    profiles = {n: p for n, p in profile_set.profiles.items() if n != "eu"}
    save_profiles(ProfileSet(hand, profiles, "prod"))
    start, end = HAND_WRITTEN.index("[profiles.eu]"), HAND_WRITTEN.index("[profiles.lab]")
    # eu's lines go; the blank lines after it stay (they separate what was around it)
    assert hand.read_text(encoding="utf-8") == HAND_WRITTEN[:start] + "\n\n" + HAND_WRITTEN[end:]


def test_a_profile_added_on_disk_meanwhile_is_kept(hand: Path) -> None:
    loaded = load_profiles(hand)  # the TUI loads the file...
    with hand.open("a", encoding="utf-8") as other:  # ...another editor adds a profile...
        other.write('\n[profiles.added]\ntype = "qseow"\nurl = "https://x"\nkey = "k.pem"\n')
        other.write('[profiles.added.claims]\nuserId = "a"\n')
    prod = loaded.profiles["prod"]  # ...and the TUI saves its edit of prod
    saved = put_profile(hand, "prod", dataclasses.replace(prod, lifetime="2h", lifetime_seconds=7200), old_name="prod", base=prod)
    assert saved.names() == ["prod", "eu", "lab", "added"]
    assert load_profiles(hand).profiles["prod"].lifetime == "2h"


def test_the_same_profile_changed_on_both_sides_is_a_conflict(hand: Path) -> None:
    prod = load_profiles(hand).profiles["prod"]
    hand.write_text(HAND_WRITTEN.replace('userId        = "goran"', 'userId        = "sander"'), encoding="utf-8")
    mine = dataclasses.replace(prod, lifetime="2h", lifetime_seconds=7200)
    with pytest.raises(ProfileConflict) as info:
        put_profile(hand, "prod", mine, old_name="prod", base=prod)
    assert "changed in the file" in info.value.message
    assert "sander" in hand.read_text(encoding="utf-8")  # nothing written
    with pytest.raises(ProfileConflict):
        put_profile(hand, "eu", prod)  # a new profile whose name appeared on disk
    with pytest.raises(ProfileConflict):
        delete_profile(hand, "prod", base=prod)
    put_profile(hand, "prod", mine, old_name="prod", base=prod, overwrite=True)
    assert load_profiles(hand).profiles["prod"] == mine


def test_a_file_that_does_not_load_is_never_replaced(hand: Path) -> None:
    prod = load_profiles(hand).profiles["prod"]
    hand.write_text("[profiles.x\n", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        put_profile(hand, "prod", prod, old_name="prod", base=prod, overwrite=True)
    assert "does not load" in info.value.message
    assert hand.read_text(encoding="utf-8") == "[profiles.x\n" and not backup(hand).exists()


def test_a_broken_profile_on_disk_never_blocks_saving_another(hand: Path) -> None:
    broken_text = HAND_WRITTEN.replace("lifetime = 1800", 'lifetime = "2h"')  # Cloud allows 1 hour at most
    hand.write_text(broken_text, encoding="utf-8")
    loaded = load_profiles(hand)
    assert "eu" in loaded.broken and "prod" in loaded.profiles
    prod = loaded.profiles["prod"]
    saved = put_profile(hand, "prod", dataclasses.replace(prod, lifetime="10m", lifetime_seconds=600), old_name="prod", base=prod)
    assert hand.read_text(encoding="utf-8") == broken_text.replace('lifetime = "1h"', 'lifetime = "10m"')
    assert "eu" in saved.broken and saved.profiles["prod"].lifetime_seconds == 600


def test_a_symlinked_file_is_written_through_to_its_target(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "qlik.toml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    link = tmp_path / "config" / "profiles.toml"
    link.parent.mkdir()
    link.symlink_to(target)
    prod = load_profiles(link).profiles["prod"]
    put_profile(link, "prod", dataclasses.replace(prod, lifetime="10m", lifetime_seconds=600), old_name="prod", base=prod)
    assert link.is_symlink() and link.resolve() == target
    assert 'lifetime = "10m"' in target.read_text(encoding="utf-8")
    assert backup(link).read_text(encoding="utf-8") == HAND_WRITTEN
    assert sorted(p.name for p in dotfiles.iterdir()) == ["qlik.toml"]  # no temp file left in the target's folder


def test_stale_temp_files_of_ours_are_removed_and_nothing_else(hand: Path) -> None:
    ours = [hand.with_name(".profiles.toml.k2j_x9a0.tmp"), hand.with_name(".profiles.toml.bak.a1b2c3d4.tmp")]
    theirs = [hand.with_name(".profiles.toml.swp"), hand.with_name("profiles.toml.orig"), hand.with_name(".other.a1b2c3d4.tmp")]
    for path in ours + theirs:
        path.write_text("x")
    clean_up(hand)
    assert [p.exists() for p in ours] == [False, False] and all(p.exists() for p in theirs)


# A subprocess saving in a loop; the test kills it at random moments.
SAVER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    real_fsync = os.fsync
    def slow_fsync(fd):  # a disk that takes its time: kills land inside writes more often
        real_fsync(fd)
        time.sleep(0.01)
    os.fsync = slow_fsync
    from qlik_tui.core.profiles.loader import load_profiles
    from qlik_tui.core.profiles.store import save_profiles
    import dataclasses
    path = Path(sys.argv[1])
    first = load_profiles(path)
    prods = [dataclasses.replace(first.profiles["prod"], lifetime=f"{m}m", lifetime_seconds=m * 60) for m in (7, 8)]
    sets = [type(first)(path, {**first.profiles, "prod": prod}, "prod") for prod in prods]
    first_turn = 1 if first.profiles["prod"].lifetime == "7m" else 0  # the first save must change something
    for turn in range(first_turn, 100000):
        save_profiles(sets[turn % 2])
        if turn == first_turn:
            print("ready", flush=True)
    """
)


def _many_profiles(path: Path) -> None:
    extra = "".join(
        f'\n# lab {i}\n[profiles.lab{i}]\ntype = "qseow"\nurl = "https://lab{i}:443"\nkey = "k.pem"\n'
        f'[profiles.lab{i}.claims]\nuserId = "u{i}"\n'
        for i in range(60)
    )
    path.write_text(HAND_WRITTEN + extra, encoding="utf-8")


def test_kill_9_while_saving_never_leaves_a_broken_file_or_backup(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    _many_profiles(path)
    rng = random.Random(9)
    leftovers = 0
    for _ in range(40):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        proc.stdout.close()
        subprocess.run(["sleep", f"{rng.uniform(0, 0.1):.3f}"], check=True)
        proc.kill()  # SIGKILL: no cleanup code runs
        proc.wait()
        assert len(load_profiles(path).profiles) == 63
        assert len(load_profiles(backup(path)).profiles) == 63
        leftovers += sum(1 for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        clean_up(path)  # what the next start does
        assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profiles.toml", "profiles.toml.bak"]
    print(f"{leftovers} of 40 kills left a temp file behind")


FULL_DISK = textwrap.dedent(
    """
    import dataclasses, resource, signal, sys
    from pathlib import Path
    from qlik_tui.core.errors import ProfileError
    from qlik_tui.core.profiles.loader import load_profiles
    from qlik_tui.core.profiles.store import put_profile
    path = Path(sys.argv[1])
    prod = load_profiles(path).profiles["prod"]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
    try:
        put_profile(path, "prod", dataclasses.replace(prod, lifetime="9m", lifetime_seconds=540), old_name="prod", base=prod)
    except ProfileError as exc:
        print(exc.message)
        sys.exit(2)
    """
)


def test_a_write_that_fails_midway_keeps_the_good_backup_and_the_file(hand: Path) -> None:
    prod = load_profiles(hand).profiles["prod"]
    put_profile(hand, "prod", dataclasses.replace(prod, lifetime="2h", lifetime_seconds=7200), old_name="prod", base=prod)
    file_before, backup_before = hand.read_bytes(), backup(hand).read_bytes()
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(hand)], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "cannot keep a backup (File too large); the file was not changed" in proc.stdout
    assert hand.read_bytes() == file_before and backup(hand).read_bytes() == backup_before
    assert sorted(p.name for p in hand.parent.iterdir()) == ["profiles.toml", "profiles.toml.bak"]


def test_odd_layouts_are_edited_or_refused_never_mangled(tmp_path: Path) -> None:
    inline = tmp_path / "inline.toml"
    inline.write_text('profiles = { a = { type = "qseow", url = "https://a", key = "k", claims = { userId = "x" } } }\n')
    a = load_profiles(inline).profiles["a"]
    put_profile(inline, "b", dataclasses.replace(a, name="b"))  # a new profile inside an inline table stays inline
    assert load_profiles(inline).names() == ["a", "b"] and inline.read_text().count("\n") == 1
    put_profile(inline, "a", dataclasses.replace(a, claims={"userId": "x", "o": {"k": 1}}), old_name="a", base=a)
    assert load_profiles(inline).profiles["a"].claims == {"userId": "x", "o": {"k": 1}}  # a nested claim, still inline
    assert inline.read_text().count("\n") == 1
    dotted = tmp_path / "dotted.toml"
    dotted.write_text('[profiles]\na.type = "qseow"\na.url = "https://a"\na.key = "k"\na.claims.userId = "x"\n')
    before = dotted.read_bytes()
    a = load_profiles(dotted).profiles["a"]
    with pytest.raises(ProfileError) as info:
        put_profile(dotted, "renamed", a, old_name="a", base=a)  # tomlkit cannot rename dotted keys cleanly
    assert "editing its layout in place went wrong" in info.value.message
    assert dotted.read_bytes() == before and not backup(dotted).exists()


def test_the_example_file_keeps_every_comment_when_each_profile_is_edited(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "profiles.example.toml"
    path = tmp_path / "profiles.toml"
    path.write_bytes(example.read_bytes())
    for name, profile in load_profiles(path).profiles.items():
        put_profile(path, name, dataclasses.replace(profile, lifetime="7m", lifetime_seconds=420), old_name=name, base=profile)
    original = example.read_text(encoding="utf-8").splitlines()
    edited = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(original, edited, strict=True) if a != b]
    assert [b.split("#")[0].strip() for _, b in changed] == ['lifetime = "7m"', 'lifetime = "7m"']
    assert all(a.split("#")[1] == b.split("#")[1] for a, b in changed)  # the comments on those lines too
