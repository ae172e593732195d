"""Optional fetching of remote pictures (``--fetch-images``) under strict limits.

- only ``http``/``https`` URLs on ports 80/443 (or the URL's explicit port);
- every address the host resolves to must be public: private, loopback, link-local,
  multicast, reserved and unspecified ranges (IPv4 and IPv6, including IPv4-mapped
  IPv6) are refused; the connection goes to the checked address, so a second DNS
  answer cannot swap it (DNS rebinding);
- redirects are followed at most :data:`MAX_REDIRECTS` times, each target checked again;
- a connect/read timeout and an overall deadline; a byte cap checked against
  ``Content-Length`` and while reading;
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
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

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


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: FetchPolicy) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if policy.allow_loopback else "loopback"
    for flag in ("is_private", "is_link_local", "is_multicast", "is_reserved", "is_unspecified"):
        if getattr(ip, flag):
            return flag.removeprefix("is_").replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def resolve_public(host: str, port: int, policy: FetchPolicy) -> str:
    """Resolve ``host`` and return one address, refusing if any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefusedError("dns", f"cannot resolve {host}: {exc}") from exc
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


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_image(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """Fetch one picture under ``policy``; raise :class:`FetchRefusedError` with a reason.

    Reasons: ``scheme``, ``dns``, ``blocked_address``, ``redirect``, ``http_status``,
    ``content_type``, ``too_large``, ``timeout``, ``network``.
    """
    policy = policy or FetchPolicy()
    start = time.monotonic()
    current = url
    for _hop in range(policy.max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefusedError("scheme", f"{current}: only http(s) URLs are fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = resolve_public(parts.hostname, port, policy)
        remaining = policy.deadline_s - (time.monotonic() - start)
        if remaining <= 0:
            raise FetchRefusedError("timeout", f"{url}: over the {policy.deadline_s}s deadline")
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = cls(parts.hostname, ip, port, min(policy.timeout_s, remaining))
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*", "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location")
                resp.close()
                if not location:
                    raise FetchRefusedError("redirect", f"{current}: redirect without Location")
                current = urljoin(current, location)
                continue
            if resp.status != 200:
                raise FetchRefusedError("http_status", f"{current}: HTTP {resp.status}")
            ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if not ctype.startswith("image/") or "svg" in ctype:
                raise FetchRefusedError("content_type", f"{current}: content type {ctype or 'missing'!r} is not a raster image")
            length = resp.getheader("Content-Length")
            if length and length.isdigit() and int(length) > policy.max_bytes:
                raise FetchRefusedError("too_large", f"{current}: {length} bytes is over the {policy.max_bytes}-byte cap")
            chunks, total = [], 0
            while True:
                if time.monotonic() - start > policy.deadline_s:
                    raise FetchRefusedError("timeout", f"{url}: over the {policy.deadline_s}s deadline")
                chunk = resp.read(64 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > policy.max_bytes:
                    raise FetchRefusedError("too_large", f"{current}: over the {policy.max_bytes}-byte cap")
                chunks.append(chunk)
            return Fetched(url=url, final_url=current, content_type=ctype, data=b"".join(chunks))
        except FetchRefusedError:
            raise
        except TimeoutError as exc:
            raise FetchRefusedError("timeout", f"{current}: timed out ({exc})") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchRefusedError("network", f"{current}: {exc.__class__.__name__}: {exc}") from exc
        finally:
            conn.close()
    raise FetchRefusedError("redirect", f"{url}: more than {policy.max_redirects} redirects")
