"""Generate the built-in endpoint catalog (qlik_tui/core/catalog/data/*.json) from Qlik's specs.

    python tools/gen_catalog.py            # reads tests/data/*.json.gz, writes the data files
    python tools/gen_catalog.py --check    # exit 1 if the committed data differs from a fresh run

Facts (methods, paths, query parameters and their required flags, body presence,
deprecation, sunset, replacement) come from the specs; summaries, group names, the query keys
offered in the editor, example bodies and the QRS replacements (the QRS spec names none) come
from tools/catalog/*-notes.json, written by hand, in our own words. Deterministic: the same
inputs give byte-identical output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qlik_tui.core.catalog.codec import encode  # noqa: E402
from qlik_tui.core.catalog.deprecation import Deprecation  # noqa: E402
from qlik_tui.core.catalog.discovery import from_openapi  # noqa: E402
from qlik_tui.core.catalog.endpoint import Endpoint  # noqa: E402

PRODUCTS = {
    "qrs": (ROOT / "tests/data/qrs-repository-38.22.0.json.gz", "qrs-repository 38.22.0 (Swagger 2.0)"),
    "cloud": (ROOT / "tests/data/qlik-cloud-consolidated.json.gz", "Qlik Cloud consolidated OpenAPI 3.0.3"),
}
NOTES = ROOT / "tools" / "catalog"
DATA = ROOT / "qlik_tui" / "core" / "catalog" / "data"


def resource(path: str) -> list[str]:
    """The path's fixed segments after its API root (/qrs, /api/v1, /api/<namespace>)."""
    parts = [p for p in path.split("/") if p and not p.startswith("{")]
    if parts[:1] == ["qrs"]:
        return parts[1:]
    if parts[:2] == ["api", "v1"]:
        return parts[2:]
    return parts[2:] if parts[:1] == ["api"] and len(parts) > 2 else parts


def default_group(kind: str, path: str, named: dict[str, str]) -> str:
    """A group for an operation without notes: the notes' name for its resource, else the
    resource itself (QRS type names as people type them; Cloud's in words)."""
    segments = resource(path) or ["other"]
    first = segments[0]
    if first in named:
        return named[first]
    return first if kind == "qrs" else first.replace("-", " ").capitalize()


def curated_groups(entries: list[dict[str, Any]]) -> dict[str, str]:
    """resource -> the group most notes entries of that resource use."""
    votes: dict[str, dict[str, int]] = {}
    for entry in entries:
        segments = resource(entry["path"])
        if segments and "group" in entry:
            tally = votes.setdefault(segments[0], {})
            tally[entry["group"]] = tally.get(entry["group"], 0) + 1
    return {res: max(sorted(tally), key=lambda g: tally[g]) for res, tally in sorted(votes.items())}


def build(kind: str) -> dict[str, Any]:
    """The data document of one product."""
    spec_path, origin = PRODUCTS[kind]
    spec = json.loads(gzip.decompress(spec_path.read_bytes()))
    notes = json.loads((NOTES / f"{kind}-notes.json").read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = notes["entries"]
    named = {**curated_groups(entries), **notes.get("groups", {})}
    ops = {e.key(): e for e in from_openapi(spec)}
    by_key = {(e["method"].upper(), e["path"].lower().rstrip("/")): e for e in entries}
    missing = sorted(set(by_key) - set(ops))
    if missing:
        raise SystemExit(f"{kind}-notes.json names operations the spec lacks: {missing}")
    order = [k for k in by_key] + [k for k in ops if k not in by_key]
    out: list[Endpoint] = []
    for key in order:
        op, note = ops[key], by_key.get(key)
        # The spec's own summaries are Qlik's words: only the notes give summaries. Without notes,
        # the editor offers the required query keys as rows (the others as comments): an empty
        # `limit=` sent to Qlik Cloud is an error, not a default.
        endpoint = replace(op, summary="", source="built-in", params=op.required)
        if note is not None:
            offered = [p for p in note.get("params", op.params) if p in op.params]
            offered += [p for p in op.required if p not in offered]
            body = note.get("body")
            endpoint = replace(
                endpoint,
                path=note["path"],
                summary=note["summary"],
                params=tuple(offered),
                body=json.dumps(body) if body is not None else None,
            )
        endpoint = replace(
            endpoint,
            group=note.get("group") if note and "group" in note else default_group(kind, op.path, named),
            optional=tuple(p for p in op.params if p not in endpoint.params),
        )
        use = notes.get("replacements", {}).get(endpoint.label())
        if use and endpoint.deprecation is not None:
            endpoint = replace(endpoint, deprecation=replace(endpoint.deprecation, use=use))
        elif use:
            endpoint = replace(endpoint, deprecation=Deprecation(use=use))
        out.append(endpoint)
    group_order = list(dict.fromkeys(e.group for e in out if e.key() in by_key))
    group_order += sorted({e.group for e in out} - set(group_order), key=str.lower)
    rank = {g: i for i, g in enumerate(group_order)}
    out.sort(key=lambda e: rank[e.group])  # stable: notes order, then spec order, inside a group
    return {"origin": origin, "groups": group_order, "ops": [encode(e, rank[e.group]) for e in out]}


def render(doc: dict[str, Any]) -> str:
    """Compact JSON, one operation per line (small, loads fast, diffs well)."""
    head = json.dumps({"origin": doc["origin"], "groups": doc["groups"]}, ensure_ascii=False)[:-1]
    lines = ",\n".join(json.dumps(op, ensure_ascii=False, separators=(",", ":")) for op in doc["ops"])
    return f'{head}, "ops": [\n{lines}\n]}}\n'


def main() -> int:
    """Write (or with --check, compare) both data files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed data instead of writing")
    args = parser.parse_args()
    stale = []
    for kind in PRODUCTS:
        doc = build(kind)
        text = render(doc)
        target = DATA / f"{kind}.json"
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"{target.relative_to(ROOT)}: {len(doc['ops'])} operations, {len(text):,} bytes")
    if stale:
        print(f"stale: {', '.join(stale)} (run python tools/gen_catalog.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
