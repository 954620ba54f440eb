"""What every export needs from a profile: the URL as the server sees it, the auth method,
TLS options, and the `qlik-tui token` command that stands in for the secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from ..errors import UsageError
from ..http.body_sniff import SNIFF_BYTES, looks_like_json
from ..http.types import FileBody, Request
from ..profiles.model import Profile

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """The request and the profile, in the terms an export needs."""

    profile: Profile
    request: Request
    profiles_file: Path | None = None  # named in the token command when it is not the default file

    @property
    def auth(self) -> str:
        """The profile's auth method ("jwt" on profiles that predate the `auth` field)."""
        return str(getattr(self.profile, "auth", "jwt") or "jwt")

    def base_url(self) -> str:
        """scheme://host[/prefix] + path, with no query."""
        prefix = ""
        if self.profile.type == "qseow" and self.profile.virtual_proxy and self.auth != "certificate":
            prefix = f"/{self.profile.virtual_proxy}"
        return f"{self.profile.url.rstrip('/')}{prefix}{self.request.path}"

    def url(self, with_xrfkey: bool) -> str:
        """The full URL; with `with_xrfkey`, it ends in `xrfkey=` for the shell to append a fresh key."""
        pairs = [(k, v) for k, v in self.request.query if k.lower() != "xrfkey"]
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
        if with_xrfkey:
            query = f"{query}&xrfkey=" if query else "xrfkey="
        return self.base_url() + (f"?{query}" if query else "")

    def origin(self) -> str:
        """scheme://host[:port] of the server."""
        return self.profile.url.rstrip("/")

    def token_argv(self) -> list[str]:
        """`qlik-tui [--profiles FILE] token -p NAME`: prints the profile's token without it being in the export."""
        argv = ["qlik-tui"]
        if self.profiles_file is not None:
            argv += ["--profiles", str(self.profiles_file)]
        return [*argv, "token", "-p", self.profile.name]

    def headers(self) -> list[tuple[str, str]]:
        """The user's own headers, plus JSON content type and accept as qlik-tui sends them."""
        headers = list(self.request.headers)
        names = {k.lower() for k, _ in headers}
        if "accept" not in names:
            headers.append(("Accept", "application/json"))
        if self.request.body is not None and "content-type" not in names:
            headers.append(("Content-Type", self.content_type()))
        return headers

    def content_type(self) -> str:
        """The body's Content-Type: the user's, else JSON for text; a file's is guessed from its start, as call does."""
        given = next((v for k, v in self.request.headers if k.lower() == "content-type"), None)
        body = self.request.body
        if given is not None or not isinstance(body, FileBody):
            return given or "application/json"
        if str(body.path) == "-":
            return "application/octet-stream"  # stdin: read only when the printed command runs
        try:
            with open(body.path, "rb") as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError:  # a file that is not there yet: the command reads it later
            return "application/octet-stream"
        return "application/json" if looks_like_json(head) else "application/octet-stream"

    def body_text(self) -> str | None:
        """The body as text (it was checked to be JSON, so it is UTF-8); None for none or a file."""
        body = self.request.body
        return body.decode("utf-8") if isinstance(body, bytes) else None

    def body_file(self) -> str | None:
        """The file a -d @FILE body is read from when the command runs (`-`: its standard input)."""
        body = self.request.body
        return str(body.path) if isinstance(body, FileBody) else None

    @property
    def ca_bundle(self) -> Path | None:
        """The CA file the profile trusts, if any."""
        return self.profile.ca_bundle_path

    @property
    def insecure(self) -> bool:
        """True when the profile turns TLS verification off."""
        return self.profile.tls_verification_off


def dispatch(target: Target, renderers: dict[str, Callable[[Target], T]], shell: str) -> T:
    """Call the renderer for the profile's product and auth method (`qseow.jwt`, `cloud.api_key`...)."""
    key = f"{target.profile.type}.{target.auth}"
    renderer = renderers.get(key)
    if renderer is None:
        raise UsageError(
            f"{shell} export does not know profiles with auth = {target.auth!r} ({target.profile.product}) yet",
            "send it with `qlik-tui call` instead",
        )
    return renderer(target)
