"""`call --curl` / `call --powershell`: print the request for another shell instead of sending it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.http.types import Request
from ..core.profiles.model import Profile
from ..core.share.curl_export import to_curl
from ..core.share.powershell_export import to_powershell
from ..core.share.target import Target


def print_export(profile: Profile, request: Request, args: argparse.Namespace) -> int:
    """Print the export on stdout; nothing is sent and no token is minted."""
    # Name the profiles file in `qlik-tui token` only when the user named one: the pasted
    # line then finds the same profile; otherwise it follows the same defaults as here.
    given = getattr(args, "profiles", None)
    profiles_file = Path(given).expanduser().resolve() if given else None
    target = Target(profile, request, profiles_file)
    text = to_powershell(target) if args.powershell else to_curl(target)
    sys.stdout.write(text)
    return 0
