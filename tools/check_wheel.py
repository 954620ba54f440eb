"""Check a built wheel: the package and its catalog data are in, Qlik's specs and the tests are not.

python tools/check_wheel.py dist/qlik_tui-*.whl
"""

from __future__ import annotations

import sys
import zipfile


def main() -> int:
    """Exit 1 (naming the files) when the wheel holds anything but qlik_tui and its metadata."""
    names = zipfile.ZipFile(sys.argv[1]).namelist()
    stray = [n for n in names if not n.startswith("qlik_tui/") and ".dist-info/" not in n]
    specs = [n for n in names if n.endswith(".gz") or "qlik-specs" in n or "qrs-repository" in n]
    wanted = {"qlik_tui/core/catalog/data/qrs.json", "qlik_tui/core/catalog/data/cloud.json"}
    missing = sorted(wanted - set(names))
    for label, found in (("outside the package", stray), ("Qlik's specs", specs), ("missing", missing)):
        if found:
            print(f"wheel: {label}: {', '.join(found)}", file=sys.stderr)
    return 1 if stray or specs or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
