"""Who may use the `/_fake` routes of a served fake: anyone on this machine while it listens on
loopback only, and only holders of the control token once it listens beyond.

A control token, when one is configured, must come in the `x-fake-seam-control-token` header
of every `/_fake` request (compared in constant time). Without one, the server listens on
loopback and answers `/_fake` requests only when their `Host` names this machine by a
loopback name: a web page whose own name an attacker points at 127.0.0.1 (DNS rebinding)
sends its own name as `Host`, and is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from fake_seam import messages as msgs
from fake_seam.seam.errors import SeamError, unauthorized

CONTROL_TOKEN_HEADER = msgs.CONTROL_TOKEN_HEADER
CONTROL_TOKEN_ENV = "FAKE_SEAM_CONTROL_TOKEN"  # where `fake-seam serve` and `replay` read it


def is_loopback(host: str) -> bool:
    """Whether a host to bind (or a `Host` header's name) is this machine only."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 on a dual-stack socket
    return address.is_loopback


def host_name(header: str) -> str:
    """The name in a `Host` header, without its port (`[::1]:8080` -> `::1`)."""
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def valid_token(token: str) -> bool:
    """A token a header can carry as it is: printable ASCII, no spaces."""
    return bool(token) and all("!" <= c <= "~" for c in token)


@dataclass(frozen=True)
class ControlAccess:
    """The rule for one transport: `token` (None: no token configured) and whether `Host` is
    checked (only on a loopback listener without a token)."""

    token: str | None = None
    loopback_only: bool = False
    closed: bool = False  # reached over a non-loopback address with no token: no /_fake at all

    @classmethod
    def for_listener(cls, host: str, token: str | None) -> ControlAccess:
        """The rule for a server bound to `host`; ValueError when it is not loopback and no
        token is given, or the token cannot travel in a header."""
        if token is not None and not valid_token(token):
            raise ValueError(msgs.CONTROL_TOKEN_UNPRINTABLE)
        if token:
            return cls(token=token)
        if not is_loopback(host):
            raise ValueError(msgs.control_token_required(host))
        return cls(loopback_only=True)

    def admit(self, headers: Mapping[str, str]) -> bool:
        """Raise Seam's error for a `/_fake` request this rule refuses; else whether it
        presented the configured control token (what `include_credentials` needs)."""
        if self.token is not None:
            presented = headers.get(CONTROL_TOKEN_HEADER)
            if presented is None:
                raise unauthorized(msgs.CONTROL_TOKEN_MISSING)
            # Constant time: how much of a guess matched must not show in how long it took.
            if not hmac.compare_digest(presented.encode("latin-1"), self.token.encode("ascii")):
                raise unauthorized(msgs.CONTROL_TOKEN_WRONG)
            return True
        if self.closed:
            raise SeamError("forbidden", msgs.CONTROL_BEYOND_LOOPBACK, 403)
        if self.loopback_only:
            host = headers.get("host")
            # No Host at all is HTTP/1.0 from a tool on this machine: browsers always send one.
            if host is not None and not is_loopback(host_name(host)):
                raise SeamError("forbidden", msgs.control_host_refused(host), 403)
        return False


# An ASGI app served by someone else's server: no token, and loopback only (checked per
# connection by the app, which knows the address the request came in on).
LOOPBACK_ONLY = ControlAccess(loopback_only=True)
CLOSED = ControlAccess(closed=True)
# In-process transports: no socket, so no one but the fake's owner can reach them.
IN_PROCESS = ControlAccess()
