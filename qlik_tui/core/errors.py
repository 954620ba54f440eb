"""Typed errors: each carries a one-line message and a hint a person can act on.

The CLI prints `message` then `hint:` on stderr and exits non-zero; the TUI shows both in a
panel. Nothing else in the app should format an error for a user.
"""

from __future__ import annotations


class QlikTuiError(Exception):
    """Base of every error a user can cause; never shown as a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        """The message and, when there is one, the hint, as printable lines."""
        out = [self.message]
        if self.hint:
            out.append(f"hint: {self.hint}")
        return out


class ProfileError(QlikTuiError):
    """A profiles file that cannot be read, parsed or validated."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []

    def lines(self) -> list[str]:
        out = [self.message, *(f"  - {p}" for p in self.problems)]
        if self.hint:
            out.append(f"hint: {self.hint}")
        return out


class ProfileConflict(ProfileError):
    """The profiles file changed on disk, in the very profile being saved: the user decides."""


class KeyFileError(QlikTuiError):
    """A private key, certificate or public key that cannot be used."""

    exit_code = 3


class TokenError(QlikTuiError):
    """A token that cannot be minted or decoded."""

    exit_code = 3


class UsageError(QlikTuiError):
    """A command line that does not make sense (bad flag values, missing input)."""

    exit_code = 2


class RequestFailed(QlikTuiError):
    """A request that did not get a usable answer (network, TLS, HTTP status, body)."""

    exit_code = 4

    def __init__(self, message: str, hint: str = "", status: int | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


class BodyTooLarge(RequestFailed):
    """The answer is bigger than the size cap; the user may choose to go on."""

    def __init__(self, size: int | None, cap: int) -> None:
        shown = f"{size / 1048576:,.0f} MB" if size else f"more than {cap / 1048576:,.0f} MB"
        super().__init__(
            f"the response is {shown}, over the {cap / 1048576:,.0f} MB cap",
            "download it anyway, or ask for less (a filter)",
        )
        self.size = size
        self.cap = cap
