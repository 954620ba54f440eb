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


class SecretError(QlikTuiError):
    """A secret (API key, client secret, passphrase) that cannot be read from where the profile says."""

    exit_code = 3


class TokenError(QlikTuiError):
    """A token that cannot be minted or decoded."""

    exit_code = 3


class NotAJwtError(TokenError):
    """Text that is not a JWT at all (`token --decode` exits 2 for it, as for other bad input)."""

    exit_code = 2


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
    """The answer is bigger than the size cap; the user may choose to go on.

    With a Content-Encoding (gzip...), Content-Length counts compressed bytes: the message
    says so, and says when it is the decoded body that went over the cap (a small download
    that inflates a thousandfold is a classic decompression bomb)."""

    def __init__(self, size: int | None, cap: int, encoding: str | None = None) -> None:
        mb = 1048576
        encoding = None if encoding in (None, "", "identity") else encoding
        if encoding is None:
            shown = f"{size / mb:,.0f} MB" if size else f"more than {cap / mb:,.0f} MB"
            message, hint = (
                f"the response is {shown}, over the {cap / mb:,.0f} MB cap",
                "download it anyway, or ask for less (a filter)",
            )
        elif size is not None and size > cap:
            message = (
                f"the response is {size / mb:,.0f} MB compressed ({encoding}), over the {cap / mb:,.0f} MB cap; "
                "decoded it is larger, by how much is unknown until it is read"
            )
            hint = "download it anyway, or ask for less (a filter)"
        else:
            compressed = f", {size / mb:,.1f} MB compressed" if size is not None else ""
            message = f"the response decodes to more than the {cap / mb:,.0f} MB cap ({encoding}{compressed})"
            hint = "a small download that decodes this big may be a decompression bomb: go on only if you expect it"
        super().__init__(message, hint)
        self.size = size
        self.cap = cap
        self.encoding = encoding


class JsonUnreadable(QlikTuiError, ValueError):
    """JSON-like text the app shows as text, not as a tree, and says why; a ValueError too, so
    'not JSON' paths show it as text."""


class JsonOddNumber(JsonUnreadable):
    """A number JSON cannot carry (NaN, Infinity) or Python cannot hold (1e999999, 5,000 digits)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"the JSON holds {what}: shown as text, not as a tree",
            "the Raw tab (or qlik-tui call --raw) shows the body as it came; save it with s to study it elsewhere",
        )
        self.what = what


class JsonTooDeep(JsonUnreadable):
    """JSON nested deeper than the app follows."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the JSON is nested more than {limit:,} levels deep: shown as text, not as a tree",
            "the Raw tab (or qlik-tui call --raw) shows the body as it came; save it with s to study it elsewhere",
        )
        self.limit = limit


class TimeLimitExceeded(RequestFailed):
    """The whole request (connect, send, reads, waits) did not finish within its time limit."""

    def __init__(self, seconds: float, where: str) -> None:
        super().__init__(
            f"{where}: no complete answer within {seconds:g} s (the time limit for the whole request)",
            "the server is answering very slowly or asked to wait: raise the time limit (call --max-time), or ask for less",
        )
        self.seconds = seconds
