"""Palette action "Check profile NAME against the server": the `profiles check --online`
comparison, shown in a box as it arrives (the same core function as the CLI). Profiles that
do not sign in with a JWT get `profiles check`'s offline findings (certificate, CA bundle,
secret source, expiry): the server has no JWT settings to compare for them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.errors import QlikTuiError
from ...core.terminal_text import visible

if TYPE_CHECKING:
    from ...core.auth.offline_check import Finding
    from ...core.http.connection import Connection
    from ...core.http.profile_probe import ProbeReport
    from ...core.workspace import Workspace

MARKS = {
    "ok": ("✓", ""),
    "differs": ("✗", "bold"),
    "failed": ("✗", "bold"),
    "warning": ("!", "italic"),
    "no access": ("?", "dim"),
}


def report_text(report: ProbeReport) -> Text:
    """One line per compared setting, then the verdict."""
    text = Text()
    for check in report.checks:
        mark, style = MARKS.get(check.status, ("·", ""))
        text.append(f"{mark} {check.setting}: ", style=style or "bold")
        text.append(visible(check.detail) + "\n", style=style)
    differs = sum(1 for c in report.checks if c.status == "differs")
    unread = sum(1 for c in report.checks if c.status == "no access")
    verdict = "Nothing differs." if report.matches else f"{differs} setting(s) differ: each line says which side to change."
    if not report.matches and not differs:
        verdict = "Could not compare: the server did not answer."
    if unread:
        verdict += f" {unread} setting(s) could not be read (?)."
    text.append("\n" + verdict, style="bold")
    return text


def findings_text(auth: str, findings: list[Finding]) -> Text:
    """The offline check's findings, one per line, then the verdict."""
    text = Text()
    for finding in findings:
        text.append(f"{'!' if finding.warning else '✓'} {finding.label}: ", style="italic" if finding.warning else "bold")
        text.append(visible(finding.text) + "\n")
    warnings = sum(1 for f in findings if f.warning)
    verdict = f"Offline checks pass ({warnings} warning(s))." if warnings else "Offline checks pass."
    text.append(f"\n{verdict} auth = {auth}: there are no JWT settings on the server to compare.", style="bold")
    return text


class ProfileCheckScreen(ModalScreen[None]):
    """Compare one profile with its server; Esc or q closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close", id="modal.close")]

    class Checked(Message):
        """The comparison is done (or failed with `error`)."""

        def __init__(
            self, report: ProbeReport | None, error: QlikTuiError | None = None, findings: list[Finding] | None = None
        ) -> None:
            super().__init__()
            self.report = report
            self.error = error
            self.findings = findings

    def __init__(self, profile_name: str, connection: Connection) -> None:
        super().__init__()
        self.profile_name = profile_name
        self.connection = connection

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box") as box:
            box.border_title = f"Check {self.profile_name} against the server"
            box.border_subtitle = "Esc closes"
            yield Static(Text(f"Comparing with {self.connection.profile.url}…"), id="profile-check-body")

    def on_mount(self) -> None:
        self.run_check()

    @work(group="profile-check", exclusive=True, exit_on_error=False, description="compare the profile with the server")
    async def run_check(self) -> None:
        """Ask the server; post the report (workers never touch widgets)."""
        from ...core.http.profile_probe import probe  # deferred: only this action needs it

        try:
            if not self.connection.profile.signs_jwts:
                from ...core.auth.offline_check import check_offline

                # a thread: a secret command may take seconds, the screen must not freeze meanwhile
                found = await asyncio.to_thread(lambda: list(check_offline(self.connection.profile)))
                self.post_message(self.Checked(None, findings=found))
                return
            self.post_message(self.Checked(await probe(self.connection)))
        except QlikTuiError as exc:
            self.post_message(self.Checked(None, exc))

    def on_profile_check_screen_checked(self, message: Checked) -> None:
        body = self.query_one("#profile-check-body", Static)
        if message.report is not None:
            body.update(report_text(message.report))
        elif message.findings is not None:
            body.update(findings_text(self.connection.profile.auth, message.findings))
        elif message.error is not None:
            body.update(Text("\n".join(visible(line) for line in message.error.lines())))

    def action_dismiss(self, result: Any = None) -> None:  # type: ignore[override]
        self.dismiss(None)


def check_commands(workspace: Workspace | None, push: Callable[[ProfileCheckScreen], object]) -> list[tuple[str, str, Any]]:
    """Palette entries: (title, help, callback) for each profile."""
    if workspace is None:
        return []
    profiles = workspace

    def opener(name: str) -> Callable[[], None]:
        def open_check() -> None:
            push(ProfileCheckScreen(name, profiles.state(name).connect()))

        return open_check

    # What the online check compares differs by product (see core/http/profile_probe.py).
    compared = {
        "qseow": "claim names, audience, certificate, session cookie, host allow list, clock, TLS",
        "cloud": "issuer, key id, certificate, clock, TLS",
    }
    offline = "offline: certificate and key, CA bundle, secret source, expiry"
    return [
        (f"Check profile {name} against the server", compared[profile.type] if profile.signs_jwts else offline, opener(name))
        for name, profile in workspace.profile_set.profiles.items()
    ]
