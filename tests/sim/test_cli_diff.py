"""`qlik-tui diff LEFT RIGHT GET PATH` against two simulated sites."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qlik_tui.demo.environment import Demo, DemoOptions, start_demo
from qlik_tui.demo.faults import Faults
from tests.cli_helpers import assert_clean_failure, run_cli


@contextmanager
def two_sites_file(tmp_path: Path) -> Iterator[tuple[Path, Demo, Demo]]:
    """`test` and `prod` (QSEoW), `test-cloud` and `prod-cloud`: two simulated sites in one
    profiles file; prod has one app more."""
    with (
        start_demo(DemoOptions(tmp_path / "t", tls=False, faults=Faults())) as test,
        start_demo(DemoOptions(tmp_path / "p", tls=False, faults=Faults(), app_count=61)) as prod,
    ):
        text = ""
        for name, demo in (("test", test), ("prod", prod)):
            table = demo.profiles_path.read_text().replace('default = "demo-qseow"', "")
            table = table.replace('"keys/', f'"{demo.profiles_path.parent}/keys/')
            table = table.replace("profiles.demo-qseow", f"profiles.{name}")
            text += table.replace("profiles.demo-cloud", f"profiles.{name}-cloud")
        path = tmp_path / "both.toml"
        path.write_text(text)
        yield path, test, prod


@pytest.fixture
def two_sites(tmp_path: Path) -> Iterator[tuple[Path, Demo, Demo]]:
    """The two sites, for one test."""
    with two_sites_file(tmp_path) as sites:
        yield sites


def test_one_app_more_on_prod_is_added_and_exit_is_1(two_sites: tuple[Path, Demo, Demo]) -> None:
    path, _, prod = two_sites
    proc = run_cli("diff", "--profiles", str(path), "test", "prod", "GET", "/qrs/app/full")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["--- test\tGET /qrs/app/full", "+++ prod\tGET /qrs/app/full"]
    extra = prod.qseow.store.objects["app"][-1]
    assert lines[2] == f'@@ .[id="{extra["id"]}"] @@ added' and lines[-1] == "1 difference (1 added)"


def test_a_changed_field_is_shown_and_json_form_holds_it(two_sites: tuple[Path, Demo, Demo]) -> None:
    path, test, prod = two_sites
    prod.qseow.store.objects["app"][0]["description"] = "changed on prod"
    prod.qseow.store.objects["app"][0]["modifiedDate"] = "2030-01-01T00:00:00.000Z"  # volatile: hidden
    app = test.qseow.store.objects["app"][0]
    quoted = "filter=name eq '{}'".format(app["name"].replace("'", "''"))
    proc = run_cli("diff", "--profiles", str(path), "test", "prod", "GET", "/qrs/app/full", "-q", quoted, "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["changes"] == [
        {
            "op": "changed",
            "path": [{"match": "id", "value": app["id"]}, "description"],
            "path_text": f'.[id="{app["id"]}"].description',
            "left": app["description"],
            "right": "changed on prod",
        }
    ]
    assert doc["volatile_hidden"] == 1
    shown = run_cli(
        "diff",
        "--profiles",
        str(path),
        "test",
        "prod",
        "GET",
        "/qrs/app/full",
        "-q",
        quoted,
        "--show-volatile",
    )
    assert "modifiedDate @@ changed" in shown.stdout and "2030-01-01" in shown.stdout


def test_same_answers_exit_0(two_sites: tuple[Path, Demo, Demo]) -> None:
    path, _, _ = two_sites
    proc = run_cli("diff", "--profiles", str(path), "test", "prod", "GET", "/qrs/about")
    assert proc.returncode == 0 and proc.stdout.endswith("no differences\n")


def test_errors_exit_2_or_more_with_one_message(two_sites: tuple[Path, Demo, Demo]) -> None:
    path, _, prod = two_sites
    for args, code, words in (
        (["test", "prod", "POST", "/qrs/tag"], 2, "diff only reads"),
        (["test", "nope", "GET", "/qrs/about"], 2, "no profile named 'nope'"),
        (["-p", "test", "test", "prod", "GET", "/qrs/about"], 2, "does not apply to `diff`"),
    ):
        proc = run_cli("diff", "--profiles", str(path), *args)
        assert_clean_failure(proc)
        assert proc.returncode == code and words in proc.stderr, proc.stderr
    prod.qseow.faults.server_errors = 3  # prod answers 503: that side's error, named, exit 4 (as `call`)
    proc = run_cli("diff", "--profiles", str(path), "test", "prod", "GET", "/qrs/about")
    assert_clean_failure(proc)
    assert proc.returncode == 4 and proc.stderr.startswith("qlik-tui: prod: ") and proc.stdout == ""


def test_all_pages_compares_every_cloud_page(two_sites: tuple[Path, Demo, Demo]) -> None:
    path, _, prod = two_sites
    last = prod.cloud.store.items[-1]
    last["name"] = "renamed on prod"
    args = ["diff", "--profiles", str(path), "test-cloud", "prod-cloud", "GET", "/api/v1/items", "-q", "limit=10"]
    first_page = run_cli(*args)
    assert first_page.returncode == 0, first_page.stderr  # the change is on a later page
    every_page = run_cli(*args, "--all-pages")
    assert every_page.returncode == 1, every_page.stderr
    assert '"renamed on prod"' in every_page.stdout and "1 difference (1 changed)" in every_page.stdout
