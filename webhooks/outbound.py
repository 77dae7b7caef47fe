"""Making the HTTP request of a delivery, safely: never to our own network, never for long.

Server-side request forgery: an endpoint's URL is typed by a manager, so a request could be pointed at
the machine itself (the database, Redis, an admin port) or at the cloud's metadata service. So the host
is resolved once, every address it resolves to is checked (`forbidden`: private, loopback, link-local,
multicast, reserved, unspecified, not globally routable, or an IPv6 form of such an IPv4 address), and
the connection is opened to an address that was checked, never to the name again: a DNS answer that
changes between the check and the connect (DNS rebinding) cannot slip past. The `Host` header and, for
https, the certificate check (SNI and hostname) still use the name. `WEBHOOK_ALLOW_PRIVATE` lifts the
address check, for a receiver on this machine or a trusted internal network.

Only http and https; redirects are not followed (a 3xx is an answer like any other, not a success);
connecting takes at most `WEBHOOK_TIMEOUT_SECONDS`, and so does the whole exchange after it: a receiver
that trickles its answer a byte at a time (each read inside a per-read timeout) is cut off at that
deadline, so no worker is held longer.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# How much of the receiver's answer is read and kept for the delivery log.
SNIPPET_BYTES = 2_000
SCHEMES = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundError(Exception):
    """No answer came: the address could not be found or reached, or the receiver took too long."""


class AddressRefused(OutboundError):
    """The URL is not one CareDesk sends to (not http/https, or a private address): retrying changes nothing."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`addresses`, all checked) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """What the receiver answered."""

    status: int
    snippet: str
    location: str = ""


def forbidden(address: IPAddress) -> bool:
    """Return True for an address a webhook must not reach (unless WEBHOOK_ALLOW_PRIVATE)."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address inside an IPv6 one (::ffff:127.0.0.1, 6to4, Teredo) is checked as itself.
        embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if any(inner is not None and forbidden(inner) for inner in embedded):
            return True
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_url(url: str) -> Target:
    """Return where `url` leads, resolved once; raise AddressRefused (with the reason) when we never go there."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused(f"The URL is not valid: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise AddressRefused("Only http:// and https:// URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise AddressRefused("The URL has no host name.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("Put no user name or password in the URL: receivers check the signature instead.")
    port = port or SCHEMES[scheme]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(f"The address of {host} could not be found ({exc}).") from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if forbidden(ipaddress.ip_address(address.split("%", 1)[0])):
                raise AddressRefused(
                    f"{host} resolves to {address}, a private, loopback or otherwise internal address: "
                    "CareDesk does not send webhooks there (WEBHOOK_ALLOW_PRIVATE is off)."
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address, asking for the host by name (the Host header)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate is verified for the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()  # certificate and host name verified
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _connection(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target.host, target.port, address=address, timeout=timeout)
    return _PinnedHTTPConnection(target.host, target.port, address=address, timeout=timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` and return the answer, whatever its status; raise OutboundError when none came.

    AddressRefused (a subclass) when the URL may not be reached at all.
    """
    target = check_url(url)
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    too_slow = f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s."
    last: OSError | None = None
    for address in target.addresses:  # each one checked; the next only when this one cannot be reached
        connection = _connection(target, address, timeout)
        try:
            connection.connect()
        except OSError as exc:
            connection.close()
            last = exc
            continue
        # The deadline for the whole exchange: shutting the socket down wakes a read blocked on it.
        cut = threading.Event()
        deadline = threading.Timer(timeout, _cut_off, args=(connection, cut))
        deadline.start()
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            snippet = response.read(SNIPPET_BYTES).decode("utf-8", errors="replace")
            location = response.getheader("Location") or ""
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError) or cut.is_set():
                raise OutboundError(too_slow) from None
            raise OutboundError(_describe(exc)) from None
        finally:
            deadline.cancel()
            connection.close()
        if cut.is_set():  # a read cut short by the deadline ends quietly, with part of the answer
            raise OutboundError(too_slow)
        return Answer(response.status, snippet, location)
    if isinstance(last, TimeoutError):
        raise OutboundError(f"Could not connect within {settings.WEBHOOK_TIMEOUT_SECONDS} s.")
    raise OutboundError(f"Could not connect to {target.host}: {_describe(last)}")


def _cut_off(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    """Shut the connection's socket down: the exchange ran past its deadline."""
    cut.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "no address to connect to."
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its certificate could not be verified ({exc.verify_message})."
    return f"{type(exc).__name__}: {exc}"
