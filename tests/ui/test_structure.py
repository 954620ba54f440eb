"""The ui package's shape: app.py is the only module that knows the whole app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import qlik_tui.ui

UI = Path(qlik_tui.ui.__file__).parent
MAY_IMPORT_APP = {"app.py", "launch.py"}  # launch builds the app; nothing else may reach back


def imported_modules(path: Path, ui: Path = UI) -> set[str]:
    """Every module `path` imports (relative imports resolved), TYPE_CHECKING blocks included."""
    package = ["qlik_tui", "ui", *path.parent.relative_to(ui).parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import app`
    return found


def app_importers(ui: Path) -> list[str]:
    """The modules under `ui` that import ui/app.py, other than those allowed to."""
    return [
        str(path.relative_to(ui))
        for path in sorted(ui.rglob("*.py"))
        if not (path.parent == ui and path.name in MAY_IMPORT_APP)
        if "qlik_tui.ui.app" in imported_modules(path, ui)
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from ..app import QlikTuiApp\n",
        "from .. import app\n",
        "import qlik_tui.ui.app\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..app import QlikTuiApp\n",
    ],
)
def test_every_way_of_importing_the_app_is_caught(tmp_path: Path, source: str) -> None:
    (tmp_path / "widgets").mkdir()
    (tmp_path / "widgets" / "probe.py").write_text(source)
    (tmp_path / "widgets" / "fine.py").write_text("from ..app_protocol import QlikApp\nfrom . import probe\n")
    assert app_importers(tmp_path) == ["widgets/probe.py"]


def test_no_ui_module_imports_the_app_back() -> None:
    assert app_importers(UI) == []


def test_ui_modules_stay_under_500_lines() -> None:
    long = {str(p.relative_to(UI)): n for p in UI.rglob("*.py") if (n := len(p.read_text().splitlines())) >= 500}
    assert long == {}


def test_start_up_leaves_the_heavy_libraries_for_later() -> None:
    """The first frame and `qlik-tui --help` need neither the HTTP stack, the crypto, jq nor WebSockets:
    they load when first used (a compare screen, a token, a jq filter...), after the first frame."""
    import subprocess
    import sys

    heavy = ("httpx", "jwt", "cryptography", "jq", "websockets")
    code = f"import sys, qlik_tui.ui.app, qlik_tui.cli; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
