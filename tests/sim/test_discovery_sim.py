"""Discovery from a server publishing the real 38.22 QRS document, and its fallbacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qlik_tui.core.catalog.discover_server import discover_qseow
from qlik_tui.core.catalog.discovery import from_description
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo, DemoOptions, start_demo
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.sim.conftest import profile
from tests.specs import CLOUD_SPEC, NEWER_OPERATION, QRS_SPEC, load, newer_qrs_spec, operations, unpacked


@pytest.fixture
def real_spec_demo(tmp_path: Path) -> Iterator[Demo]:
    spec = unpacked(QRS_SPEC, tmp_path)
    with start_demo(DemoOptions(tmp_path / "demo", tls=False, openapi_path=spec)) as running:
        yield running


async def test_discovers_every_published_operation_and_caches(real_spec_demo: Demo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    async with open_connection(profile(real_spec_demo, "demo-qseow")) as conn:
        found = await discover_qseow(conn, cache_dir=cache)
        assert found.origin == "openapi" and found.build == "38.22.0"
        assert len(found.endpoints) == operations(load(QRS_SPEC)) == 1582
        again = await discover_qseow(conn, cache_dir=cache)
        assert again.origin == "cache" and len(again.endpoints) == 1582
        real_spec_demo.qseow.store.build_version = "39.0.0"  # a new server build invalidates the cache
        assert (await discover_qseow(conn, cache_dir=cache)).origin == "openapi"


async def test_the_demo_serves_the_compressed_spec_of_the_repository(tmp_path: Path) -> None:
    # The README's `demo --serve --openapi tests/data/qrs-repository-38.22.0.json.gz`: a clone
    # holds the spec only compressed, and served as it is on disk it was gzip bytes under a JSON type.
    with start_demo(DemoOptions(tmp_path / "demo", tls=False, openapi_path=QRS_SPEC)) as running:
        async with open_connection(profile(running, "demo-qseow")) as conn:
            found = await discover_qseow(conn, cache_dir=tmp_path / "cache")
    assert found.origin == "openapi" and len(found.endpoints) == operations(load(QRS_SPEC)) == 1582  # as the spec counts


async def test_falls_back_to_api_description(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.config.serve_openapi = False
    demo.qseow.routes.serve_openapi = False
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        found = await discover_qseow(conn, cache_dir=tmp_path)
        plain = await conn.send(Request.build("GET", "/qrs/about/api/description"))
    assert found.origin == "api/description (extended)"
    published = demo.qseow.routes.description()
    assert sorted(e.label() for e in found.endpoints) == sorted(published)
    assert sorted(e.label() for e in from_description(plain.json())) == sorted(published)


def test_endpoints_cli_discover_and_grep(real_spec_demo: Demo, tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    proc = run_cli("endpoints", "--profiles", str(real_spec_demo.profiles_path), "--discover", env=env)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1582 and "(openapi, build 38.22.0)" in proc.stderr
    grep = run_cli(
        "endpoints", "--profiles", str(real_spec_demo.profiles_path), "--discover", "--grep", "odagrequest count", env=env
    )
    assert sorted(line.split()[1] for line in grep.stdout.splitlines()) == [
        "/qrs/odagrequest/count",
        "/qrs/selection/{id}/odagrequest/count",
    ]
    assert "(cache" in grep.stderr


def test_discovery_adds_what_a_newer_server_publishes(tmp_path: Path) -> None:
    newer = newer_qrs_spec(tmp_path)
    with start_demo(DemoOptions(tmp_path / "demo", tls=False, openapi_path=newer)) as running:
        env = {"XDG_STATE_HOME": str(tmp_path / "state")}
        builtin_only = run_cli("endpoints", "--profiles", str(running.profiles_path), env=env)
        found = run_cli("endpoints", "--profiles", str(running.profiles_path), "--discover", env=env)
    assert found.returncode == 0, found.stderr
    assert len(builtin_only.stdout.splitlines()) == 1582 and len(found.stdout.splitlines()) == 1583
    assert [line for line in found.stdout.splitlines() if NEWER_OPERATION.split()[1] in line] == [
        f"GET    {'/qrs/futurething/full':<70}  query: filter"
    ]
    scriptlog = next(line for line in found.stdout.splitlines() if line.split()[1].endswith("/scriptlog"))
    assert scriptlog.endswith("[deprecated; use GET /qrs/reloadtask/{reloadtaskid}/scriptlogfile]")


def test_endpoints_cli_builtin_and_errors(demo: Demo, tmp_path: Path) -> None:
    qrs = run_cli("endpoints", "--type", "qseow", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert qrs.returncode == 0 and len(qrs.stdout.splitlines()) >= 80
    assert qrs.stdout.splitlines()[0].startswith("GET    /qrs/about ")
    cloud = run_cli("endpoints", "--profiles", str(demo.profiles_path), "-p", "demo-cloud", "--grep", "spaces assignments")
    assert cloud.returncode == 0 and all("/spaces/{spaceId}/assignments" in line for line in cloud.stdout.splitlines())
    refused = run_cli("endpoints", "--profiles", str(demo.profiles_path), "-p", "demo-cloud", "--discover")
    assert_clean_failure(refused)
    assert "catalog_files" in refused.stderr
    mismatch = run_cli("endpoints", "--profiles", str(demo.profiles_path), "-p", "demo-cloud", "--type", "qseow")
    assert_clean_failure(mismatch)


def test_cloud_catalog_files_merged(demo: Demo, tmp_path: Path) -> None:
    spec = load(CLOUD_SPEC)
    plain = unpacked(CLOUD_SPEC, tmp_path)
    text = demo.profiles_path.read_text().replace('issuer = "', f'catalog_files = ["{plain}"]\nissuer = "', 1)
    path = demo.profiles_path.with_name("with-files.toml")
    path.write_text(text)
    proc = run_cli("endpoints", "--profiles", str(path), "-p", "demo-cloud")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == operations(spec)  # every built-in entry is in the spec too
