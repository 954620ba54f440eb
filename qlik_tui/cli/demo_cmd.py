"""`qlik-tui demo`: the embedded Qlik simulator, served alone (--serve) or with the TUI on it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


def default_demo_dir() -> Path:
    """$XDG_DATA_HOME/qlik-tui/demo (default ~/.local/share/qlik-tui/demo)."""
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "qlik-tui" / "demo"


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `demo` sub-command."""
    from .global_options import TUI_OPTIONS, add_options

    p = sub.add_parser(
        "demo",
        parents=[shared],
        help="try everything against a built-in Qlik simulator (QSEoW + Qlik Cloud)",
        description="Generate keys, start a simulated QSEoW virtual proxy and Qlik Cloud tenant on loopback, write a "
        "profiles file (demo-qseow, demo-cloud, and one per other sign-in) and open the TUI on it; --serve only serves.",
    )
    p.add_argument("--serve", action="store_true", help="only serve: print the profiles file path, then the URLs, until Ctrl-C")
    p.add_argument("--dir", metavar="DIR", help=f"folder for keys, certificates and profiles.toml (default {default_demo_dir()})")
    p.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS with a private CA")
    p.add_argument("--qseow-port", type=int, default=0, metavar="PORT", help="QSEoW simulator port (default: a free one)")
    p.add_argument("--cloud-port", type=int, default=0, metavar="PORT", help="Qlik Cloud simulator port (default: a free one)")
    p.add_argument(
        "--qrs-port",
        type=int,
        default=0,
        metavar="PORT",
        help="QRS client-certificate port, 4242 on a site (default: a free one)",
    )
    p.add_argument("--lifetime", default="5m", metavar="DURATION", help="token lifetime in the demo profiles (default 5m)")
    p.add_argument("--apps", type=int, default=60, metavar="N", help="apps on the QSEoW site (default 60)")
    p.add_argument(
        "--huge-apps",
        type=int,
        default=0,
        metavar="N",
        help="serve N generated apps from /qrs/app(/full), for big-response tests",
    )
    p.add_argument("--openapi", metavar="FILE", help="serve FILE at /qrs/about/openapi/main (e.g. a real QRS Swagger document)")
    p.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="add this delay to every request")
    add_options(p, 1, TUI_OPTIONS)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the simulators; serve, or open the TUI on them."""
    import sys
    import time

    from ..core.errors import UsageError
    from ..core.profiles.durations import HINT, parse_duration
    from ..core.profiles.model import CLOUD_MAX_LIFETIME
    from ..demo.environment import DemoOptions, start_demo
    from ..demo.faults import Faults

    try:
        seconds = parse_duration(args.lifetime)
    except ValueError as exc:
        raise UsageError(f"--lifetime: {exc}", HINT) from None
    if seconds > CLOUD_MAX_LIFETIME:  # both demo profiles get it, and Qlik Cloud allows 1 hour
        raise UsageError(
            f"--lifetime {args.lifetime!r} is over the 1-hour limit of the demo's Qlik Cloud profile", "e.g. --lifetime 30m"
        )
    openapi = Path(args.openapi).expanduser() if args.openapi else None
    if openapi is not None and not openapi.is_file():
        raise UsageError(f"--openapi {openapi}: no such file", "pass the path of a Swagger/OpenAPI JSON document")
    folder = Path(args.dir).expanduser() if args.dir else default_demo_dir()
    options = DemoOptions(
        folder=folder.resolve(),
        tls=not args.http,
        qseow_port=args.qseow_port,
        cloud_port=args.cloud_port,
        qrs_port=args.qrs_port,
        lifetime=args.lifetime,
        openapi_path=openapi,
        app_count=args.apps,
        faults=Faults(latency=args.latency, huge_apps=args.huge_apps),
    )
    try:
        demo = start_demo(options)
    except OSError as exc:
        if exc.filename is None:  # a socket, not a file: the port is taken or not ours to bind
            raise UsageError(
                f"cannot start the simulator: {exc.strerror or exc}",
                "a port may be in use: leave --qseow-port/--cloud-port/--qrs-port out to pick free ones",
            ) from None
        raise UsageError(
            f"{exc.filename}: cannot write the demo files ({exc.strerror})", "choose a folder you can write with --dir"
        ) from None
    with demo:
        if args.serve:
            print(demo.profiles_path, flush=True)
            print(f"QSEoW virtual proxy  {demo.qseow_server.url}/jwt/qrs/...   (profile demo-qseow)", flush=True)
            cloud_profiles = "demo-cloud, demo-cloud-apikey, demo-cloud-oauth"
            print(f"Qlik Cloud tenant    {demo.cloud_server.url}/api/v1/...   (profiles {cloud_profiles})", flush=True)
            print(f"QSEoW header auth    {demo.qseow_server.url}/hdr/qrs/...   (profile demo-qseow-header)", flush=True)
            print(f"QSEoW own cookie     {demo.qseow_server.url}/custom/qrs/...   (profile demo-qseow-cookie)", flush=True)
            if demo.qrs_port_server is not None:
                print(f"QRS with certificate {demo.qrs_port_server.url}/qrs/...   (profile demo-qseow-cert)", flush=True)
            print(f"try: qlik-tui call --profiles {demo.profiles_path} GET /qrs/app/count", flush=True)
            print(f"     qlik-tui engine --profiles {demo.profiles_path} apps   (the Engine, over WebSocket)", flush=True)
            print("serving until Ctrl-C", file=sys.stderr, flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        from .common import profiles_path
        from .tui_cmd import launch

        # The demo's file is rebuilt at every start: profiles made in the demo go to the user's own.
        home = profiles_path(args)
        return launch(demo.profiles_path, args, home=None if home.resolve() == demo.profiles_path.resolve() else home)
