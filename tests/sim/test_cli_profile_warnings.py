"""`qlik-tui call` on a good profile of a file that also holds a broken one, with an open key:
the request goes through, and stderr carries exactly the two warnings, one line each."""

from __future__ import annotations

import json
import shutil

from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli


def test_call_warns_about_the_broken_profile_and_the_open_key(demo: Demo) -> None:
    folder = demo.profiles_path.parent
    key = folder / "keys" / "open.pem"
    shutil.copy(folder / "keys" / "private.pem", key)
    key.chmod(0o644)
    text = demo.profiles_path.read_text().replace('key = "keys/private.pem"', 'key = "keys/open.pem"', 1)
    path = folder / "warnings.toml"
    path.write_text(text + '\n[profiles.typo]\ntype = "qseow"\nurl = "https://h"\nkey = "k"\nlifetme = "1h"\n')
    proc = run_cli("call", "GET", "/qrs/about", "-p", "demo-qseow", "--profiles", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "buildVersion" in json.loads(proc.stdout)
    assert proc.stderr.splitlines() == [
        f"qlik-tui: warning: profile 'typo' in {path} has problems and is skipped (see `qlik-tui profiles check typo`)",
        f"qlik-tui: warning: private key {key} is open to group and others (mode 0644): run chmod 600 {key}",
    ]
