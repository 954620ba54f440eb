"""Copying honestly: OSC 52 asks the terminal to set its clipboard, and nobody answers.

The app can never know whether the copy landed, so it says what it did ("sent to the
terminal's clipboard") rather than "copied", names the one case it can detect (tmux, whose
`set-clipboard` must be `on` to pass OSC 52 from programs through), and always offers the
value in a view the person can select by hand.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping

TMUX_HINT = "tmux drops it: its set-clipboard option is '{value}'. Enable with: tmux set -g set-clipboard on (or in ~/.tmux.conf)"


def tmux_clipboard_setting(env: Mapping[str, str]) -> str | None:
    """Inside tmux, the value of `set-clipboard` ('on', 'external', 'off'); None outside or if unknown."""
    if not env.get("TMUX"):
        return None
    try:
        done = subprocess.run(
            ["tmux", "show", "-gv", "set-clipboard"],
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


def copy_notice(what: str, env: Mapping[str, str], show_key: str) -> tuple[str, bool]:
    """The message after a copy, and whether it is a warning (tmux will drop it)."""
    text = f"Sent the {what} to the terminal's clipboard (OSC 52)."
    setting = tmux_clipboard_setting(env)
    # Only 'on' lets a program's OSC 52 through; 'external' (the default) and 'off' drop it.
    dropped = setting is not None and setting != "on"
    if dropped:
        text += "\n" + TMUX_HINT.format(value=setting)
    text += f"\n{show_key} shows it to select by hand."
    return text, dropped
