"""`qlik-tui engine ACTION`: the Qlik Engine (QIX) over a WebSocket, JSON on stdout.

Argument parsing only; the work happens in `engine_runner` (imported when the command
runs, so building the parser never loads websockets).
"""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_ROWS = 100
MAX_ROWS = 1_000_000


def _action(
    actions: Any, shared: argparse.ArgumentParser, name: str, help_text: str, app: bool = True
) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = actions.add_parser(name, parents=[shared], help=help_text, description=help_text)
    if app:
        p.add_argument("app", metavar="APP", help="the app's id (a QRS app id, a Cloud item's resourceId)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="longest wait for one answer (default 60)")
    p.add_argument("-v", "--verbose", action="store_true", help="print session events and Engine notifications on stderr")
    p.set_defaults(action=name)
    return p


def _no_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-data", action="store_true", help="open the app without its data (faster; for layout, objects, script)")


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `engine` sub-command and its actions."""
    from .global_options import parent

    p = sub.add_parser(
        "engine",
        parents=[shared],
        help="open an app in the Qlik Engine: sheets, objects, fields, script, expressions",
        description="Talk to the Qlik Associative Engine (JSON-RPC over a WebSocket) with the profile's sign-in. "
        "JSON on stdout, messages on stderr; exit codes as for `call`.",
    )
    from .global_options import MAX_BODY, NO_SESSION_CACHE, PROFILE_OPTIONS, add_options

    add_options(p, 1, (MAX_BODY, NO_SESSION_CACHE))  # `engine --max-body 50 eval ...`
    level2 = parent(2, (*PROFILE_OPTIONS, MAX_BODY, NO_SESSION_CACHE))  # `engine eval ... --max-body 50`
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    _action(actions, level2, "apps", "list the apps the user can open (QSEoW: GetDocList; Cloud: the items API)", app=False)
    _no_data(_action(actions, level2, "layout", "the app's layout (GetAppLayout)"))
    objects = _action(actions, level2, "objects", "the app's objects with their titles (GetAllInfos)")
    objects.add_argument("--type", metavar="TYPE", help="only objects of this qType (sheet, table, barchart, measure...)")
    _no_data(objects)
    obj = _action(actions, level2, "object", "one object's layout, with hypercube data for charts and tables")
    obj.add_argument("id", metavar="ID", help="the object's id (see `engine objects APP`)")
    obj.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, metavar="N", help=f"hypercube rows to fetch (default {DEFAULT_ROWS})"
    )
    _no_data(obj)
    _action(actions, level2, "fields", "the app's fields: name, cardinality, tags")
    _action(actions, level2, "variables", "the app's variables: name and definition")
    _no_data(_action(actions, level2, "script", "the app's load script, as plain text"))
    ev = _action(actions, level2, "eval", "evaluate expressions (one line per expression)")
    ev.add_argument("expressions", nargs="+", metavar="EXPRESSION", help="e.g. 'Sum(Sales)' (quote it for the shell)")
    ev.add_argument("--json", action="store_true", help="print a JSON list: expression, text, number, error")
    rpc = _action(actions, level2, "rpc", "send one raw JSON-RPC call and print its result")
    rpc.add_argument("method", metavar="METHOD", help="the Engine method, e.g. GetTablesAndKeys")
    rpc.add_argument("params", nargs="?", metavar="PARAMS_JSON", help="params as a JSON list or object (default [])")
    rpc.add_argument("--handle", type=int, metavar="H", help="the handle to call (default: the app's doc handle; -1: Global)")
    _no_data(rpc)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the arguments, then talk to the Engine."""
    from .engine_runner import run_engine

    return run_engine(args)
