"""The token panel for every sign-in method: what signs the requests, its expiry, and the warnings."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from qlik_tui.core.auth.credential import CredentialInfo
from qlik_tui.core.profiles.model import CloudProfile, QseowProfile, SecretSource
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.token_panel import TokenPanel

from .conftest import make_app, settle, wait_until

NOW = 1_800_000_000.0  # 2027-01-15 08:00 UTC


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TokenPanel(lambda: NOW, id="token")


def text(panel: TokenPanel) -> str:
    return str(panel.render())


async def test_api_key_expiry_in_days_and_a_week_warning(tmp_path: Path) -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(TokenPanel)
        panel.profile = CloudProfile(
            name="eu", url="https://t", base_dir=tmp_path, auth="api_key", secrets={"api_key": SecretSource("env", "EU_KEY")}
        )
        await pilot.pause()
        assert panel.border_title == "Sign-in"
        assert text(panel) == "API key\nread at the first request\nfrom $EU_KEY (api_key_env)\n"
        panel.credential = CredentialInfo("api_key", "API key for 64f1a2", expires_at=NOW + 90 * 86400 + 60)
        await pilot.pause()
        assert "API key for 64f1a2\n⏱ 90 days\nexpires 2027-04-15" in text(panel)
        assert not panel.has_class("-warning") and not panel.has_class("-expired")
        panel.credential = CredentialInfo("api_key", "API key for 64f1a2", expires_at=NOW + 3 * 86400 + 60)
        await pilot.pause()
        assert "⏱ 3 days" in text(panel) and panel.has_class("-warning")
        panel.credential = CredentialInfo("api_key", "API key for 64f1a2", expires_at=NOW - 3 * 86400 - 60)
        await pilot.pause()
        assert "⏱ expired 3 days ago" in text(panel) and panel.has_class("-expired")


async def test_oauth_access_token_countdown_and_refreshes(tmp_path: Path) -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(TokenPanel)
        panel.profile = CloudProfile(name="m2m", url="https://t", base_dir=tmp_path, auth="oauth", client_id="6f2d")
        panel.credential = CredentialInfo(
            "oauth",
            "OAuth access token for client 6f2d",
            expires_at=NOW + 3599,
            issued_at=NOW - 1,
            details=("refreshed 2 times",),
        )
        await pilot.pause()
        assert "OAuth access token for client 6f2d\n⏱ 59:59\nexpires 08:59:59 UTC\nrefreshed 2 times" in text(panel)
        panel.credential = CredentialInfo("oauth", "OAuth access token", expires_at=NOW + 30, issued_at=NOW - 3570)
        await pilot.pause()
        assert "⏱ 0:30" in text(panel) and panel.has_class("-warning")


async def test_client_certificate_and_header(tmp_path: Path) -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(TokenPanel)
        panel.profile = QseowProfile(
            name="qrs", url="https://qs:4242", base_dir=tmp_path, auth="certificate", user="INTERNAL\\sa_api"
        )
        panel.credential = CredentialInfo(
            "certificate",
            "client certificate CN=QlikClient\x1b[2J",
            expires_at=NOW + 400 * 86400,
            details=("issued by CN=QMC root", "X-Qlik-User: UserDirectory=INTERNAL; UserId=sa_api"),
        )
        await pilot.pause()
        shown = text(panel)
        assert shown.startswith("INTERNAL\\sa_api\nclient certificate CN=QlikClient")
        assert "\x1b" not in shown and "⏱ 400 days" in shown and "issued by CN=QMC root" in shown
        panel.profile = QseowProfile(
            name="hdr", url="https://qs", base_dir=tmp_path, auth="header", header_name="X-User", user="alice"
        )
        panel.credential = None
        await pilot.pause()
        assert text(panel) == "alice\nheader authentication\nX-User: alice\n" and panel.border_title == "Sign-in"
        panel.profile = QseowProfile(name="jwt", url="https://qs", base_dir=tmp_path, claims={"userId": "a"})
        await pilot.pause()
        assert panel.border_title == "Token" and "no token yet" in text(panel)


async def test_app_mints_nothing_for_other_methods_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(
        '[profiles.hdr]\ntype = "qseow"\nauth = "header"\nurl = "https://qs.invalid"\nvirtual_proxy = "hdr"\n'
        'header_name = "X-User"\nuser = "alice"\n\n'
        '[profiles.eu]\ntype = "cloud"\nauth = "api_key"\nurl = "https://t.invalid"\napi_key_env = "NOT_SET_ANYWHERE"\n'
    )
    app = make_app(path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.query_one(TokenPanel)
        assert "header authentication\nX-User: alice" in text(panel) and panel.token is None and not panel.failure
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: any("mints no token" in str(n.message) for n in app._notifications))
        await pilot.press("f2")
        await wait_until(pilot, lambda: "from $NOT_SET_ANYWHERE (api_key_env)" in text(panel), what="the API key profile")
        await settle(pilot)
        assert panel.token is None and not panel.failure


async def test_a_client_key_open_to_others_is_flagged(tmp_path: Path) -> None:
    key = tmp_path / "client_key.pem"
    key.write_text("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n")
    key.chmod(0o644)
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(TokenPanel)
        panel.profile = QseowProfile(
            name="qrs", url="https://qs:4242", base_dir=tmp_path, auth="certificate", user="D\\u", client_key="client_key.pem"
        )
        await pilot.pause()
        assert f"⚠ key mode 0644: chmod 600 {key}" in text(panel)
        key.chmod(0o600)
        panel.refresh_text()
        assert "key mode" not in text(panel)


async def test_ctrl_r_fetches_a_new_oauth_access_token(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path, active="demo-cloud-oauth")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.query_one(TokenPanel)
        assert demo.cloud.stats.oauth_token_fetches == 0  # nothing is fetched before it is needed
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: demo.cloud.stats.oauth_token_fetches == 1, what="the first access token")
        await wait_until(pilot, lambda: "⏱" in text(panel), what="the countdown")
        first = app.workspace.state().connection.access.token  # type: ignore[union-attr]
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "refreshed 1 time" in text(panel), what="the refresh shown")
        assert demo.cloud.stats.oauth_token_fetches == 2
        assert app.workspace.state().connection.access.token is not first  # type: ignore[union-attr]
        assert any("new OAuth access token" in str(n.message) for n in app._notifications)
        assert first is not None and first.value not in text(panel)
