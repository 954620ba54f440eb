"""What a refusal means for QSEoW's other sign-ins: a header-authentication proxy, and QRS on
its certificate port (the JWT hints are in diagnose.py)."""

from __future__ import annotations

from ..errors import RequestFailed
from ..profiles.model import QseowProfile
from .types import Response

HINT_HEADER_REFUSED = (
    "check `header_name` against the virtual proxy's header authentication header name, the form of `user` "
    '("userid" for a static user directory, "DIRECTORY\\\\userid" for a dynamic one), and that the user exists '
    "on the site and is active"
)
HINT_HEADER_LOGIN_PAGE = (
    "the request was not authenticated: check `virtual_proxy` (the prefix) and that this virtual proxy uses header authentication"
)


def qseow_method_failure(response: Response, profile: QseowProfile, detail: str) -> RequestFailed | None:
    """The message for a refused header or certificate request, or None to use the JWT-proxy rules."""
    status = response.status
    suffix = f": {detail}" if detail else ""
    if profile.auth == "header":
        if status == 401:
            return RequestFailed(
                f"401 Unauthorized: the virtual proxy refused {profile.header_name}: {profile.user}{suffix}",
                HINT_HEADER_REFUSED,
                status,
            )
        if 300 <= status < 400 or (200 <= status < 300 and response.is_html):
            where = f" to {response.header('location')}" if 300 <= status < 400 and response.header("location") else ""
            return RequestFailed(f"{status}: redirected{where} or sent a login page", HINT_HEADER_LOGIN_PAGE, status)
        return None
    if profile.auth != "certificate":
        return None
    if status == 400 and b"x-qlik-user" in response.body[:2000].lower():
        return RequestFailed(
            f"400: QRS refused the X-Qlik-User header{suffix}",
            'it must be "UserDirectory=DIR; UserId=ID": write user = "DIRECTORY\\\\userid" in the profile',
            status,
        )
    if status == 403 and b"xsrf" not in response.body[:500].lower():
        return RequestFailed(
            f"403 Forbidden: QRS refused user {profile.user}{suffix}",
            "the user named by `user` is unknown to the site, inactive, or lacks access: "
            'INTERNAL\\\\sa_api (user = "INTERNAL\\\\sa_api") acts as the repository\'s service account',
            status,
        )
    if 300 <= status < 400 or (200 <= status < 300 and response.is_html):
        return RequestFailed(
            f"{status}: an HTML page or a redirect where QRS answers JSON",
            "`url` must be QRS's own port (https://host:4242) for auth = \"certificate\", not the proxy's",
            status,
        )
    return None
