"""Keep secrets out of everything a person or a file sees: headers, URLs, history.

Three rules: secret headers are masked; query parameters and JSON keys that name a secret
(password, token, api_key, client_secret, xrfkey, code...) have their values masked; and
anything shaped like a JWT (`eyJ...`.`eyJ...`.sig: Qlik API keys, minted tokens) is masked
wherever it appears, whatever the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "qlik-csrf-token", "x-qlik-xrfkey", "proxy-authorization"}
MASK = "••••••"
# Names whose values are secrets. `code` (an OAuth code) and `key`/`sig` only when whole:
# countryCode or keyId are not secrets.
SECRET_KEY = re.compile(
    r"pass(word|wd|phrase)?|secret|token|api[_-]?key|credential|private|authori[sz]ation|jwt|xrfkey|csrf|cookie"
    r"|^(code|key|sig|signature|session|sid)$",
    re.IGNORECASE,
)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_QUERY_PAIR = re.compile(r"([?&])([^=&#]*)=([^&#]*)")


def is_secret_key(name: str) -> bool:
    """True when a parameter or JSON key named `name` holds a secret."""
    return SECRET_KEY.search(name) is not None


def mask_jwts(text: str) -> str:
    """`text` with every JWT-shaped run masked."""
    return JWT.sub(MASK, text) if "eyJ" in text else text


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with secret values masked; a Set-Cookie keeps its cookie name and attributes."""
    out = []
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            cookie, _, attrs = value.partition(";")
            cookie_name = cookie.split("=", 1)[0]
            out.append((name, f"{cookie_name}={MASK}" + (f";{attrs}" if attrs else "")))
        elif lower == "authorization":
            scheme = value.split(" ", 1)[0] if " " in value else ""
            out.append((name, f"{scheme} {MASK}".strip()))
        elif lower in SECRET_HEADERS:
            out.append((name, MASK))
        else:
            out.append((name, mask_jwts(value)))
    return out


def redact_query(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Query pairs with secret parameters and JWT-shaped values masked."""
    return [(k, MASK if is_secret_key(k) else mask_jwts(v)) for k, v in pairs]


def redact_url(url: str) -> str:
    """The URL with secret query values (xrfkey, access_token...) and JWTs masked."""

    def pair(match: re.Match[str]) -> str:
        secret = is_secret_key(unquote(match.group(2)))
        return f"{match.group(1)}{match.group(2)}={MASK if secret else match.group(3)}"

    return mask_jwts(_QUERY_PAIR.sub(pair, url))


def mask_json(doc: Any) -> Any:
    """A copy of a JSON value with secret keys' values and JWT-shaped strings masked.

    An explicit stack, not recursion: a body typed or pasted may be nested deep."""
    if not isinstance(doc, (dict, list)):
        return mask_jwts(doc) if isinstance(doc, str) else doc
    top: Any = {} if isinstance(doc, dict) else []
    stack: list[tuple[Any, Any]] = [(doc, top)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in pairs:
            if isinstance(source, dict) and is_secret_key(str(key)):
                copy: Any = MASK
            elif isinstance(value, (dict, list)):
                copy = {} if isinstance(value, dict) else []
                stack.append((value, copy))
            else:
                copy = mask_jwts(value) if isinstance(value, str) else value
            if isinstance(target, dict):
                target[key] = copy
            else:
                target.append(copy)
    return top
