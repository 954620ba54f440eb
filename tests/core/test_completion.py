"""Shell completion: the scripts run in the real bash, zsh and fish; names come from `__complete`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

BIN = str(Path(sys.executable).parent)  # where the `qlik-tui` script of this install lives


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A profiles file naming a collection, two profiles (one with a space), two saved requests."""
    (tmp_path / "p.toml").write_text(
        'collection = "req"\n[profiles.alpha]\ntype = "qseow"\n[profiles."beta two"]\ntype = "cloud"\n'
    )
    (tmp_path / "req" / "fin").mkdir(parents=True)
    (tmp_path / "req" / "about.toml").write_text('path = "/qrs/about"\n')
    (tmp_path / "req" / "fin" / "apps in stream.toml").write_text('path = "/qrs/app"\n')
    return tmp_path


def shell(argv: list[str], cwd: Path) -> str:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "NO_COLOR": "1"}
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "error" not in proc.stderr.lower(), proc.stderr
    return proc.stdout


def test_complete_prints_names_without_loading_the_heavy_stack(world: Path) -> None:
    probe = (
        "import sys; from qlik_tui.cli import main; "
        "code = main(['__complete', 'saved', '--profiles', 'p.toml']); "
        "heavy = [m for m in ('httpx', 'textual', 'argparse', 'cryptography') if m in sys.modules]; "
        "print('HEAVY', heavy); sys.exit(code)"
    )
    out = shell([sys.executable, "-c", probe], world)
    assert out.splitlines() == ["about", "fin/apps in stream", "HEAVY []"]
    assert run_cli("__complete", "profiles", "--profiles", str(world / "p.toml")).stdout.splitlines() == ["alpha", "beta two"]


def test_complete_prints_nothing_when_the_files_are_missing_or_broken(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("profiles = [")
    for args in (("profiles", "--profiles", str(tmp_path / "none.toml")), ("profiles", "--profiles", str(tmp_path / "bad.toml"))):
        proc = run_cli("__complete", *args)
        assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    assert run_cli("__complete", "saved", "--collection", str(tmp_path / "nowhere")).stdout == ""
    wrong = run_cli("__complete", "nope")
    assert wrong.returncode == 2 and "usage: qlik-tui __complete" in wrong.stderr


BASH_CASES = [
    ("qlik-tui --profiles p.toml call --saved f", ["fin/apps\\ in\\ stream"]),
    ("qlik-tui --profiles p.toml -p ''", ["alpha", "beta\\ two"]),
    ("qlik-tui ca", ["call"]),
    ("qlik-tui call -p alpha P", ["POST", "PUT", "PATCH"]),
    ("qlik-tui profiles check --o", ["--online"]),
    ("qlik-tui call --sa", ["--saved"]),
    ("qlik-tui comp", ["completion"]),
]


def test_bash_script_completes_commands_options_profiles_and_saved_names(world: Path) -> None:
    lines = ["source <(qlik-tui completion bash)", "complete -p qlik-tui"]
    for typed, _ in BASH_CASES:
        lines.append(f"COMP_WORDS=({typed}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))")
        lines.append("_qlik_tui; (IFS='|'; echo \"${COMPREPLY[*]}\")")
    script = "\n".join(lines)
    out = shell(["bash", "-c", script], world).splitlines()
    assert out[0] == "complete -F _qlik_tui qlik-tui"
    for (typed, expected), got in zip(BASH_CASES, out[1:], strict=True):
        assert got.split("|") == expected, (typed, got)


def test_zsh_script_registers_and_completes_names_with_spaces(world: Path) -> None:
    script = (
        "source <(qlik-tui completion zsh)\n"
        "print -r -- ${_comps[qlik-tui]}\n"
        # zsh runs bash completion functions under `emulate sh` (0-based arrays), as _bash_complete does
        't() { emulate -L sh; local -a COMP_WORDS COMPREPLY; local COMP_CWORD; COMP_WORDS=("$@"); '
        '(( COMP_CWORD = $# - 1 )); _qlik_tui; print -r -- "${COMPREPLY[*]}"; }\n'
        "t qlik-tui --profiles p.toml call --saved ''\n"
        "t qlik-tui --profiles p.toml -p ''\n"
    )
    out = shell(["zsh", "-f", "-c", script], world).splitlines()
    assert out[0] == "_bash_complete -F _qlik_tui"
    assert out[1] == "about fin/apps\\ in\\ stream"
    assert out[2] == "alpha beta\\ two"


def test_fish_script_completes_commands_options_and_names(world: Path) -> None:
    script = (
        "qlik-tui completion fish | source\n"
        'complete -C "qlik-tui --profiles p.toml call --saved "\n'
        "echo ---\n"
        'complete -C "qlik-tui --profiles p.toml -p "\n'
        "echo ---\n"
        'complete -C "qlik-tui ca"\n'
        "echo ---\n"
        'complete -C "qlik-tui call --sa"\n'
    )
    blocks = [b.strip().splitlines() for b in shell(["fish", "--no-config", "-c", script], world).split("---")]
    assert blocks[0] == ["about", "fin/apps in stream"]
    assert blocks[1] == ["alpha", "beta two"]
    assert [line.split("\t")[0] for line in blocks[2]] == ["call"]
    assert [line.split("\t")[0] for line in blocks[3]] == ["--saved"]


def test_completion_needs_a_known_shell() -> None:
    proc = run_cli("completion", "tcsh")
    assert proc.returncode == 2 and "invalid choice: 'tcsh'" in proc.stderr and "Traceback" not in proc.stderr
