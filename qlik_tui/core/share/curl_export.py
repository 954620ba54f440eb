"""The request as curl for a POSIX shell (sh, bash, zsh), with no secret in it.

Authentication is a `$(qlik-tui token -p NAME)` the shell runs when the line is pasted, so
the export can be shared or kept in a script; the Xrfkey is drawn afresh on every run.
Literal text is single-quoted (nothing inside is special to sh), and shell variables are
spliced in double quotes: `'https://h/qrs/app?xrfkey='"$xrf"`.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from ..http.types import Request
from .secret_words import sh_secret
from .target import Target, dispatch

# Any 16 of [0-9a-zA-Z] from the kernel's random source: the Xrfkey QLIK.md asks for.
XRFKEY_LINE = "xrf=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)"
_CSRF_FROM_HEADERS = "tr -d '\\r' | awk -F': *' 'tolower($1) == \"qlik-csrf-token\" {print $2}'"


def quote(text: str) -> str:
    """One word for sh, taken literally (shlex's single quotes; `'` becomes `'\"'\"'`)."""
    return shlex.quote(text)


def _token(target: Target) -> str:
    """`$(qlik-tui token -p NAME)`: the secret is fetched when the line runs."""
    return "$(" + " ".join(quote(a) for a in target.token_argv()) + ")"


def _bearer_to_stdin(target: Target) -> str:
    """The Authorization header piped to `curl -H @-`: printf is a shell builtin, so the token
    is never in a program's arguments, which any user of the machine can read (`ps`)."""
    return f"printf 'Authorization: Bearer %s\\n' \"{_token(target)}\" |"


def _curl_start(target: Target, request: Request, url: str, follow: bool = False) -> list[str]:
    """`curl -sS [-L] [-X M] URL` on the first line, then TLS options, as words."""
    head = ["curl -sS"] + (["-L"] if follow else [])
    if request.method == "HEAD":
        head.append("--head")
    elif request.method != "GET":
        head.append(f"-X {request.method}")
    words = [" ".join([*head, url])]
    if target.ca_bundle is not None:
        words.append(f"--cacert {quote(str(target.ca_bundle))}")
    if target.insecure:
        words.append("-k  # verify_tls = false in the profile")
    return words


def _finish(words: list[str], target: Target) -> list[str]:
    """The user's headers and the body, then the words joined with line continuations."""
    words += [f"-H {quote(f'{k}: {v}')}" for k, v in target.headers()]
    body, file = target.body_text(), target.body_file()
    if body is not None:
        words.append(f"--data-binary {quote(body)}")
    elif file is not None:
        words.append(f"--data-binary {quote('@' + file)}")  # curl reads the file (or its stdin) itself
    # A comment after `\` would end the command: the -k note, if any, goes last.
    comment = [w for w in words if "  # " in w]
    plain = [w for w in words if "  # " not in w]
    ordered = plain + comment
    return [" \\\n  ".join(ordered)]


def _tls(target: Target) -> str:
    """TLS options for the sign-in steps (the call itself has them on their own lines)."""
    return (f" --cacert {quote(str(target.ca_bundle))}" if target.ca_bundle else "") + (" -k" if target.insecure else "")


def _header(target: Target, note: str) -> str:
    return f"# {target.profile.name} ({target.profile.product}): {note}"


def _qseow_jwt(target: Target) -> str:
    """A JWT virtual proxy: Bearer from `qlik-tui token`, a fresh Xrfkey in query and header."""
    words = _curl_start(target, target.request, quote(target.url(with_xrfkey=True)) + '"$xrf"')
    words.append("-H @-")
    words.append('-H "X-Qlik-Xrfkey: $xrf"')
    lines = [_header(target, "the token comes from qlik-tui token; a fresh Xrfkey per run"), XRFKEY_LINE]
    lines.append(_bearer_to_stdin(target))
    return "\n".join(lines + _finish(words, target)) + "\n"


def _cloud_jwt(target: Target) -> str:
    """A Cloud JWT signs in to a session: log in (cookies to a private temp file), fetch a CSRF
    token for writes, call, and remove the cookie file."""
    origin = target.origin()
    lines = [
        _header(target, "a JWT signs in to a session (cookies + CSRF token), so this takes steps"),
        "jar=$(mktemp)  # the session cookies, in a file only you can read",
        _bearer_to_stdin(target),
        f'curl -sS -f -o /dev/null -c "$jar" -X POST {quote(origin + "/login/jwt-session")} -H @-{_tls(target)}',
    ]
    # -L: /api/v1/users/me and tenants/me redirect; curl keeps the jar's cookies on the way
    words = _curl_start(target, target.request, quote(target.url(with_xrfkey=False)), follow=True)
    words.append('-b "$jar"')
    if not target.request.is_read:
        lines.append(
            f'csrf=$(curl -sS -b "$jar" -D - -o /dev/null {quote(origin + "/api/v1/csrf-token")}{_tls(target)}'
            f" | {_CSRF_FROM_HEADERS})"
        )
        lines.append("printf 'qlik-csrf-token: %s\\n' \"$csrf\" |")  # kept out of curl's arguments too
        words.append("-H @-")
    lines += _finish(words, target)
    lines.append('rm -f "$jar"')
    return "\n".join(lines) + "\n"


def _cloud_api_key(target: Target) -> str:
    """An API key: a plain Bearer, read from where the profile keeps it; no session, no CSRF."""
    words = _curl_start(target, target.request, quote(target.url(with_xrfkey=False)), follow=True)
    words.append("-H @-")
    lines = [
        _header(target, "the API key is read from where the profile keeps it"),
        f"printf 'Authorization: Bearer %s\\n' {sh_secret(target, 'api_key')} |",
    ]
    return "\n".join(lines + _finish(words, target)) + "\n"


def _cloud_oauth(target: Target) -> str:
    """An OAuth client: its secret (from where the profile keeps it) buys an access token at
    /oauth/token, which signs the call. jq builds the JSON (so the secret is never in an
    argument) and reads the token."""
    profile = target.profile
    scopes = " ".join(getattr(profile, "scopes", ()) or ())
    program = '{grant_type: "client_credentials", client_id: $id, client_secret: .' + (", scope: $scope}" if scopes else "}")
    args = f"--arg id {quote(str(getattr(profile, 'client_id', '')))}" + (f" --arg scope {quote(scopes)}" if scopes else "")
    token_url = quote(target.origin() + "/oauth/token")
    lines = [
        _header(target, "an OAuth client: its secret buys an access token, which signs the call (needs jq)"),
        f"access=$(printf '%s' {sh_secret(target, 'client_secret')} | jq -Rc {args} {quote(program)}"
        f" | curl -sS -f -X POST {token_url} -H 'Content-Type: application/json' --data-binary @-{_tls(target)}"
        " | jq -r .access_token)",
        "printf 'Authorization: Bearer %s\\n' \"$access\" |",
    ]
    words = _curl_start(target, target.request, quote(target.url(with_xrfkey=False)), follow=True)
    words.append("-H @-")
    return "\n".join([*lines, *_finish(words, target), "unset access"]) + "\n"  # the token leaves the shell too


def _qseow_header(target: Target) -> str:
    """Header authentication: the virtual proxy trusts the user named in its header (no secret)."""
    profile = target.profile
    words = _curl_start(target, target.request, quote(target.url(with_xrfkey=True)) + '"$xrf"')
    header = f"{getattr(profile, 'header_name', '')}: {getattr(profile, 'user', '')}"
    words.append(f"-H {quote(header)}")
    words.append('-H "X-Qlik-Xrfkey: $xrf"')
    lines = [_header(target, "header authentication (the proxy trusts the header); a fresh Xrfkey per run"), XRFKEY_LINE]
    return "\n".join(lines + _finish(words, target)) + "\n"


def _qseow_certificate(target: Target) -> str:
    """A client certificate straight to the QRS (port 4242): the user in X-Qlik-User, a fresh Xrfkey."""
    profile = target.profile
    directory, user_id = getattr(profile, "user_directory_and_id", ("", ""))
    words = _curl_start(target, target.request, quote(target.url(with_xrfkey=True)) + '"$xrf"')
    words.append(f"--cert {quote(str(getattr(profile, 'client_cert_path', '')))}")
    words.append(f"--key {quote(str(getattr(profile, 'client_key_path', '')))}")
    words.append(f"-H {quote(f'X-Qlik-User: UserDirectory={directory}; UserId={user_id}')}")
    words.append('-H "X-Qlik-Xrfkey: $xrf"')
    lines = [_header(target, "a client certificate; a fresh Xrfkey per run"), XRFKEY_LINE]
    if "key_passphrase" in getattr(profile, "secrets", {}):
        # curl reads the key's passphrase from a config on stdin (`-K -`), not from its arguments
        lines.append(f"printf 'pass = \"%s\"\\n' {sh_secret(target, 'key_passphrase')} |")
        words.append("-K -")
    return "\n".join(lines + _finish(words, target)) + "\n"


RENDERERS: dict[str, Callable[[Target], str]] = {
    "qseow.jwt": _qseow_jwt,
    "qseow.header": _qseow_header,
    "qseow.certificate": _qseow_certificate,
    "cloud.jwt": _cloud_jwt,
    "cloud.api_key": _cloud_api_key,
    "cloud.oauth": _cloud_oauth,
}


def to_curl(target: Target) -> str:
    """The request as curl lines for sh/bash/zsh; UsageError for an auth method it cannot express."""
    return dispatch(target, RENDERERS, "curl")
