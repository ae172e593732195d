"""Optional fetching of remote pictures (``--fetch-images``) under strict limits.

- only ``http``/``https`` URLs on ports 80/443 (or the URL's explicit port);
- every address the host resolves to must be public: private, loopback, link-local,
  multicast, reserved and unspecified ranges (IPv4 and IPv6) are refused, and so is an
  IPv6 address that embeds a refused IPv4 one (mapped ``::ffff:a.b.c.d``, compatible
  ``::a.b.c.d``, SIIT ``::ffff:0:a.b.c.d``, 6to4 ``2002:AABB:CCDD::``, Teredo
  ``2001:0::``, NAT64 ``64:ff9b::a.b.c.d``; the NAT64 local-use prefix ``64:ff9b:1::/48``
  is refused outright); the connection goes to the checked address, so a second DNS
  answer cannot swap it (DNS rebinding);
- redirects are followed at most :data:`MAX_REDIRECTS` times, each target checked again;
- a connect/read timeout and an overall deadline that covers DNS, connecting, the TLS
  handshake, the headers and the body: a watchdog shuts the socket down when it passes,
  so a server that drips one byte every few seconds cannot stretch a fetch; a byte cap
  checked against ``Content-Length`` and while reading;
- the response must declare an ``image/*`` content type other than SVG, and the bytes
  then go through :func:`narratrace.images.safety.open_image` like any local file.

``allow_loopback=True`` exists for tests that serve pictures from a local HTTP server;
the command line never sets it.

Examples
--------
>>> try:
...     fetch_image("http://127.0.0.1:9/x.jpg")
... except FetchRefusedError as exc:
...     exc.reason
'blocked_address'
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

from narratrace.images._errors import FetchRefusedError

# 15 MiB: above the largest web-published news photos (typically < 5 MB) with margin,
# far below the local-file cap; a fetch is something the user asked for per article.
MAX_FETCH_BYTES = 15 * 1024 * 1024
# Seconds for connecting and for each read; a picture server slower than this is down.
TIMEOUT_S = 5.0
# Seconds for the whole fetch including redirects: bounds slow-drip responses.
DEADLINE_S = 15.0
# CDNs redirect once or twice (http->https, canonical host); more is a loop or a trick.
MAX_REDIRECTS = 3
USER_AGENT = "narratrace-image-fetch/0.1 (+offline fact-checking workbench)"


@dataclass(slots=True)
class FetchPolicy:
    """Limits of one fetch; the defaults are the production limits."""

    max_bytes: int = MAX_FETCH_BYTES
    timeout_s: float = TIMEOUT_S
    deadline_s: float = DEADLINE_S
    max_redirects: int = MAX_REDIRECTS
    allow_loopback: bool = False  # testing switch: lets a test reach its own local server


@dataclass(slots=True)
class Fetched:
    url: str
    final_url: str
    content_type: str
    data: bytes


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 ranges whose last 32 bits are an IPv4 address: IPv4-compatible (deprecated), SIIT
# IPv4-translated (RFC 6145) and the NAT64 well-known prefix (RFC 6052).
_LAST32_NETS = tuple(ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96"))
# NAT64 local-use prefix (RFC 8215): where its IPv4 sits depends on the operator's prefix
# length, so none can be checked; refused as a whole.
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address embeds (mapped, compatible, SIIT, 6to4, Teredo, NAT64).

    >>> [str(a) for a in embedded_ipv4(ipaddress.ip_address("2002:7f00:1::1"))]
    ['127.0.0.1']
    >>> [str(a) for a in embedded_ipv4(ipaddress.ip_address("64:ff9b::10.0.0.1"))]
    ['10.0.0.1']
    """
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client); the client is stored obfuscated
    if any(ip in net for net in _LAST32_NETS) and int(ip) > 1:  # not :: or ::1, checked as such
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _blocked(ip: IPAddress, policy: FetchPolicy) -> str | None:
    if ip in _NAT64_LOCAL:
        return "NAT64 local-use prefix"
    for inner in embedded_ipv4(ip):
        why = _blocked(inner, policy)
        if why:
            return f"embeds {inner}: {why}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return None  # a mapped public IPv4 is that address (its IPv6 form is 'reserved')
    if ip.is_loopback:
        return None if policy.allow_loopback else "loopback"
    for flag in ("is_private", "is_link_local", "is_multicast", "is_reserved", "is_unspecified"):
        if getattr(ip, flag):
            return flag.removeprefix("is_").replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def _getaddrinfo(host: str, port: int, timeout: float) -> list:
    """``socket.getaddrinfo`` given at most ``timeout`` seconds (the resolver has no timeout of its own)."""
    box: dict[str, object] = {}

    def lookup() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True, name="narratrace-dns")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise FetchRefusedError("timeout", f"resolving {host} took more than {timeout:.1f}s")
    if "error" in box:
        raise FetchRefusedError("dns", f"cannot resolve {host}: {box['error']}")
    return box["infos"]  # type: ignore[return-value]


def resolve_public(host: str, port: int, policy: FetchPolicy, *, timeout: float | None = None) -> str:
    """Resolve ``host`` and return one address, refusing if any address is not public."""
    infos = _getaddrinfo(host, port, policy.timeout_s if timeout is None else timeout)
    addrs = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        why = _blocked(ip, policy)
        if why:
            raise FetchRefusedError("blocked_address", f"{host} resolves to {ip} ({why}); refused")
        addrs.append(str(ip))
    if not addrs:
        raise FetchRefusedError("dns", f"{host} has no address")
    return addrs[0]


class _Watchdog:
    """Shuts a socket down when the fetch's deadline passes, whatever call is blocked on it.

    A per-call socket timeout cannot bound a server that sends one byte just before each
    timeout; shutting the socket down makes the blocked call return at once.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # time.monotonic() value
        self.expired = False
        self._timer: threading.Timer | None = None

    def arm(self, sock: socket.socket) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self._fire(sock)
            return
        self._timer = threading.Timer(remaining, self._fire, (sock,))
        self._timer.daemon = True
        self._timer.start()

    def _fire(self, sock: socket.socket) -> None:
        self.expired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _pinned_socket(ip: str, port: int, timeout: float, watchdog: _Watchdog) -> socket.socket:
    sock = socket.create_connection((ip, port), timeout)
    watchdog.arm(sock)
    return sock


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float, watchdog: _Watchdog) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip
        self._watchdog = watchdog

    def connect(self) -> None:
        self.sock = _pinned_socket(self._ip, self.port, self.timeout, self._watchdog)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float, watchdog: _Watchdog) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip
        self._watchdog = watchdog

    def connect(self) -> None:
        sock = _pinned_socket(self._ip, self.port, self.timeout, self._watchdog)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _hop_target(current: str) -> tuple[SplitResult, int]:
    """The parts and port of one URL to fetch; only http(s) with a host is allowed."""
    parts = urlsplit(current)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchRefusedError("scheme", f"{current}: invalid port") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefusedError("scheme", f"{current}: only http(s) URLs are fetched")
    return parts, port


def _image_content_type(resp: http.client.HTTPResponse, current: str, policy: FetchPolicy) -> str:
    """The response's raster ``image/*`` content type; refuse others and announced oversizes."""
    if resp.status != 200:
        raise FetchRefusedError("http_status", f"{current}: HTTP {resp.status}")
    ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if not ctype.startswith("image/") or "svg" in ctype:
        raise FetchRefusedError("content_type", f"{current}: content type {ctype or 'missing'!r} is not a raster image")
    length = resp.getheader("Content-Length")
    if length and length.isdigit() and int(length) > policy.max_bytes:
        raise FetchRefusedError("too_large", f"{current}: {length} bytes is over the {policy.max_bytes}-byte cap")
    return ctype


def _read_body(resp: http.client.HTTPResponse, current: str, policy: FetchPolicy,
               watchdog: _Watchdog, deadline: float, over: str) -> bytes:
    """The body, read in chunks under the byte cap and the deadline."""
    chunks, total = [], 0
    while True:
        if watchdog.expired or time.monotonic() > deadline:
            raise FetchRefusedError("timeout", over)
        chunk = resp.read1(64 * 1024)
        if not chunk:
            if watchdog.expired:  # the watchdog's shutdown looks like the end of the body
                raise FetchRefusedError("timeout", over)
            return b"".join(chunks)
        total += len(chunk)
        if total > policy.max_bytes:
            raise FetchRefusedError("too_large", f"{current}: over the {policy.max_bytes}-byte cap")
        chunks.append(chunk)


def _fetch_hop(url: str, current: str, policy: FetchPolicy, deadline: float, over: str) -> Fetched | str:
    """One request: the fetched picture, or the URL a redirect points to."""
    parts, port = _hop_target(current)
    ip = resolve_public(parts.hostname, port, policy, timeout=max(0.01, min(policy.timeout_s, deadline - time.monotonic())))
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchRefusedError("timeout", over)
    watchdog = _Watchdog(deadline)
    cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    conn = cls(parts.hostname, ip, port, min(policy.timeout_s, remaining), watchdog)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*", "Accept-Encoding": "identity"})
        resp = conn.getresponse()
        if watchdog.expired:  # the shutdown ended the headers early: what was parsed is not the response
            raise FetchRefusedError("timeout", over)
        if resp.status in (301, 302, 303, 307, 308):
            location = resp.getheader("Location")
            resp.close()
            if not location:
                raise FetchRefusedError("redirect", f"{current}: redirect without Location")
            return urljoin(current, location)
        ctype = _image_content_type(resp, current, policy)
        data = _read_body(resp, current, policy, watchdog, deadline, over)
        return Fetched(url=url, final_url=current, content_type=ctype, data=data)
    except FetchRefusedError:
        raise
    except TimeoutError as exc:
        raise FetchRefusedError("timeout", f"{current}: timed out ({exc})") from exc
    except (OSError, http.client.HTTPException) as exc:
        if watchdog.expired:
            raise FetchRefusedError("timeout", over) from exc
        raise FetchRefusedError("network", f"{current}: {exc.__class__.__name__}: {exc}") from exc
    finally:
        watchdog.cancel()
        conn.close()


def fetch_image(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """Fetch one picture under ``policy``; raise :class:`FetchRefusedError` with a reason.

    Reasons: ``scheme``, ``dns``, ``blocked_address``, ``redirect``, ``http_status``,
    ``content_type``, ``too_large``, ``timeout``, ``network``.
    """
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.deadline_s
    over = f"{url}: over the {policy.deadline_s}s deadline"
    current = url
    for _hop in range(policy.max_redirects + 1):
        result = _fetch_hop(url, current, policy, deadline, over)
        if isinstance(result, Fetched):
            return result
        current = result
    raise FetchRefusedError("redirect", f"{url}: more than {policy.max_redirects} redirects")
