"""The request as PowerShell (`Invoke-RestMethod`), with no secret in it.

Windows PowerShell 5.1 and PowerShell 7 both read it. Literal text is single-quoted: inside,
only a single quote is special, and PowerShell counts the typographic ones (‘ ’ ‚ ‛) as
single quotes too, so each is doubled. The token is `(qlik-tui token -p 'NAME')`, run
when the script runs; the Xrfkey is drawn afresh each time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .secret_words import ps_secret
from .target import Target, dispatch

_SINGLE_QUOTES = re.compile("['\u2018\u2019\u201a\u201b]")
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
XRFKEY_LINE = f"$xrf = -join (1..16 | ForEach-Object {{ '{_ALPHABET}'[(Get-Random -Maximum 62)] }})"


def quote(text: str) -> str:
    """A PowerShell verbatim string: every kind of single quote doubled."""
    return "'" + _SINGLE_QUOTES.sub(lambda m: m.group(0) * 2, text) + "'"


def _token(target: Target) -> str:
    """`(qlik-tui token -p 'NAME')`: the secret is fetched when the script runs."""
    argv = target.token_argv()
    return "(" + " ".join([argv[0], *(a if a.startswith("-") or a == "token" else quote(a) for a in argv[1:])]) + ")"


def _method(target: Target) -> str:
    return target.request.method.capitalize()


def _headers(pairs: list[tuple[str, str]]) -> str:
    """A hashtable literal, one entry per line (values are expressions)."""
    return "@{\n" + "".join(f"    {quote(k)} = {v}\n" for k, v in pairs) + "  }"


def _call(target: Target, uri: str, auth: list[tuple[str, str]], session: bool) -> list[str]:
    """`$request = @{...}` then `Invoke-RestMethod @request`: splatting needs no backticks."""
    headers = auth + [(k, quote(v)) for k, v in target.headers() if k.lower() != "content-type"]
    entries = [f"Method = {quote(_method(target))}", f"Uri = {uri}", f"Headers = {_headers(headers)}"]
    body, file = target.body_text(), target.body_file()
    if body is not None:
        entries += [f"Body = {quote(body)}", "ContentType = 'application/json; charset=utf-8'"]
    elif file is not None and file != "-":
        entries += [f"InFile = {quote(file)}", f"ContentType = {quote(target.content_type())}"]
    elif file is not None:
        entries.append("Body = [Console]::In.ReadToEnd()  # from standard input, as -d - read it")
    if session:
        entries.append("WebSession = $session")
    if target.insecure:
        entries.append("SkipCertificateCheck = $true  # verify_tls = false in the profile (PowerShell 7)")
    lines = ["$request = @{", *(f"  {e}" for e in entries), "}", "Invoke-RestMethod @request"]
    return _tls_note(target) + lines


def _tls_note(target: Target) -> list[str]:
    if target.ca_bundle is None:
        return []
    # Invoke-RestMethod has no CA-file option: the CA must be in the machine's trusted roots.
    return [f"# the profile trusts {target.ca_bundle}: import it into Windows' trusted root certificates"]


def _header(target: Target, note: str) -> str:
    return f"# {target.profile.name} ({target.profile.product}): {note}"


def _qseow_jwt(target: Target) -> str:
    """A JWT virtual proxy: Bearer from `qlik-tui token`, a fresh Xrfkey in query and header."""
    auth = [("X-Qlik-Xrfkey", "$xrf"), ("Authorization", f"'Bearer ' + {_token(target)}")]
    uri = f"{quote(target.url(with_xrfkey=True))} + $xrf"
    lines = [_header(target, "the token comes from qlik-tui token; a fresh Xrfkey per run"), XRFKEY_LINE]
    return "\n".join(lines + _call(target, uri, auth, session=False)) + "\n"


def _cloud_jwt(target: Target) -> str:
    """A Cloud JWT signs in to a session: log in, fetch a CSRF token for writes, then call."""
    origin = target.origin()
    skip = " -SkipCertificateCheck" if target.insecure else ""
    lines = [
        _header(target, "a JWT signs in to a session (cookies + CSRF token), so this takes steps"),
        "$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession",
        f"$null = Invoke-WebRequest -UseBasicParsing -Method Post -Uri {quote(origin + '/login/jwt-session')} "
        f"-Headers @{{ 'Authorization' = 'Bearer ' + {_token(target)} }} -WebSession $session{skip}",
    ]
    auth: list[tuple[str, str]] = []
    if not target.request.is_read:
        lines.append(
            f"$csrf = [string](Invoke-WebRequest -UseBasicParsing -Uri {quote(origin + '/api/v1/csrf-token')} "
            f"-WebSession $session{skip}).Headers['qlik-csrf-token']"
        )
        auth.append(("qlik-csrf-token", "$csrf"))
    return "\n".join(lines + _call(target, quote(target.url(with_xrfkey=False)), auth, session=True)) + "\n"


def _cloud_api_key(target: Target) -> str:
    """An API key: a plain Bearer, read from where the profile keeps it."""
    auth = [("Authorization", f"'Bearer ' + {ps_secret(target, 'api_key', quote)}")]
    lines = [_header(target, "the API key is read from where the profile keeps it")]
    return "\n".join(lines + _call(target, quote(target.url(with_xrfkey=False)), auth, session=False)) + "\n"


def _cloud_oauth(target: Target) -> str:
    """An OAuth client: its secret buys an access token at /oauth/token, which signs the call."""
    profile = target.profile
    scopes = " ".join(getattr(profile, "scopes", ()) or ())
    fields = [
        "grant_type = 'client_credentials'",
        f"client_id = {quote(str(getattr(profile, 'client_id', '')))}",
        f"client_secret = {ps_secret(target, 'client_secret', quote)}",
        *([f"scope = {quote(scopes)}"] if scopes else []),
    ]
    skip = " -SkipCertificateCheck" if target.insecure else ""
    lines = [
        _header(target, "an OAuth client: its secret buys an access token, which signs the call"),
        f"$oauth = @{{ {'; '.join(fields)} }} | ConvertTo-Json",
        f"$access = (Invoke-RestMethod -Method Post -Uri {quote(target.origin() + '/oauth/token')} "
        f"-ContentType 'application/json' -Body $oauth{skip}).access_token",
    ]
    auth = [("Authorization", "'Bearer ' + $access")]
    return "\n".join(lines + _call(target, quote(target.url(with_xrfkey=False)), auth, session=False)) + "\n"


def _qseow_header(target: Target) -> str:
    """Header authentication: the virtual proxy trusts the user named in its header."""
    profile = target.profile
    auth = [("X-Qlik-Xrfkey", "$xrf"), (str(getattr(profile, "header_name", "")), quote(str(getattr(profile, "user", ""))))]
    uri = f"{quote(target.url(with_xrfkey=True))} + $xrf"
    lines = [_header(target, "header authentication (the proxy trusts the header); a fresh Xrfkey per run"), XRFKEY_LINE]
    return "\n".join(lines + _call(target, uri, auth, session=False)) + "\n"


def _qseow_certificate(target: Target) -> str:
    """A client certificate straight to the QRS (port 4242), PEM files loaded by .NET (PowerShell 7)."""
    profile = target.profile
    directory, user_id = getattr(profile, "user_directory_and_id", ("", ""))
    cert, key = str(getattr(profile, "client_cert_path", "")), str(getattr(profile, "client_key_path", ""))
    auth = [("X-Qlik-Xrfkey", "$xrf"), ("X-Qlik-User", quote(f"UserDirectory={directory}; UserId={user_id}"))]
    x509 = "[System.Security.Cryptography.X509Certificates.X509Certificate2]"
    if "key_passphrase" in getattr(profile, "secrets", {}):
        load = f"{x509}::CreateFromEncryptedPemFile({quote(cert)}, {ps_secret(target, 'key_passphrase', quote)}, {quote(key)})"
    else:
        load = f"{x509}::CreateFromPemFile({quote(cert)}, {quote(key)})"
    lines = [
        _header(target, "a client certificate (PowerShell 7); a fresh Xrfkey per run"),
        XRFKEY_LINE,
        f"$certificate = {load}",
    ]
    uri = f"{quote(target.url(with_xrfkey=True))} + $xrf"
    call = _call(target, uri, auth, session=False)
    call.insert(call.index("}"), "  Certificate = $certificate")
    return "\n".join(lines + call) + "\n"


RENDERERS: dict[str, Callable[[Target], str]] = {
    "qseow.jwt": _qseow_jwt,
    "qseow.header": _qseow_header,
    "qseow.certificate": _qseow_certificate,
    "cloud.jwt": _cloud_jwt,
    "cloud.api_key": _cloud_api_key,
    "cloud.oauth": _cloud_oauth,
}


def to_powershell(target: Target) -> str:
    """The request as a PowerShell script; UsageError for an auth method it cannot express."""
    return dispatch(target, RENDERERS, "PowerShell")
