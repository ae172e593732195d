from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.images._pictures import jpeg_bytes, scene

from narratrace.images import FetchRefusedError
from narratrace.images.fetch import FetchPolicy, fetch_image
from narratrace.images.hashing import fingerprint_bytes

PICTURE = jpeg_bytes(scene(21))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        routes = {
            "/ok.jpg": (200, "image/jpeg", PICTURE),
            "/page.html": (200, "text/html", b"<html></html>"),
            "/vector.svg": (200, "image/svg+xml", b"<svg/>"),
            "/big.jpg": (200, "image/jpeg", PICTURE * 40),
        }
        if self.path == "/redirect-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/x.jpg")
            self.end_headers()
            return
        if self.path == "/redirect-ok":
            self.send_response(302)
            self.send_header("Location", "/ok.jpg")
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/slow.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            threading.Event().wait(2.0)
            return
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"nope"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


TEST = FetchPolicy(allow_loopback=True, timeout_s=1.0, deadline_s=3.0, max_bytes=len(PICTURE) * 10)


def test_fetch_ok_and_hashable(server) -> None:
    got = fetch_image(f"{server}/ok.jpg", TEST)
    assert got.data == PICTURE and got.content_type == "image/jpeg"
    assert fingerprint_bytes(got.data).sha256
    assert fetch_image(f"{server}/redirect-ok", TEST).final_url.endswith("/ok.jpg")


def test_production_policy_refuses_loopback(server) -> None:
    with pytest.raises(FetchRefusedError) as info:
        fetch_image(f"{server}/ok.jpg")
    assert info.value.reason == "blocked_address"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/page.html", "content_type"),
        ("/vector.svg", "content_type"),
        ("/big.jpg", "too_large"),
        ("/redirect-private", "blocked_address"),
        ("/loop", "redirect"),
        ("/missing.jpg", "http_status"),
        ("/slow.jpg", "timeout"),
    ],
)
def test_fetch_refusals(server, path: str, reason: str) -> None:
    with pytest.raises(FetchRefusedError) as info:
        fetch_image(f"{server}{path}", TEST)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data", "http://[::1]/x.jpg", "http://192.168.1.1/x.jpg",
     "http://[::ffff:10.0.0.1]/x.jpg", "http://0.0.0.0/x.jpg", "file:///etc/passwd", "ftp://example.org/x.jpg"],
)
def test_private_link_local_and_schemes_refused(url: str) -> None:
    with pytest.raises(FetchRefusedError) as info:
        fetch_image(url)
    assert info.value.reason in ("blocked_address", "scheme")


def _drip_server(head: bytes):
    """A local server that sends ``head`` at once, then one byte every 0.3 s forever (slow drip)."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(head)
                    while not stop.is_set():
                        conn.sendall(b"x")
                        time.sleep(0.3)
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    return listener, stop


@pytest.mark.timeout(60)
@pytest.mark.parametrize("head", [b"HTTP/1.1 200 OK\r\nX-Drip: ", b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n"],
                         ids=["headers", "body"])
def test_deadline_holds_against_a_slow_drip_server(head) -> None:
    import time

    listener, stop = _drip_server(head)
    try:
        policy = FetchPolicy(allow_loopback=True, timeout_s=1.0, deadline_s=2.0)
        started = time.monotonic()
        with pytest.raises(FetchRefusedError) as info:
            fetch_image(f"http://127.0.0.1:{listener.getsockname()[1]}/drip.jpg", policy)
        assert info.value.reason == "timeout"
        assert time.monotonic() - started < 20  # hang guard: the old fetcher ran for minutes
    finally:
        stop.set()
        listener.close()


@pytest.mark.parametrize(
    "host",
    ["2002:7f00:1::1", "2002:a00:1::1", "2002:c0a8:101::", "64:ff9b::7f00:1", "64:ff9b::10.0.0.1", "64:ff9b:1::a9fe:a9fe",
     "::127.0.0.1", "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "::ffff:127.0.0.1", "2001:0:4136:e378:8000:63bf:80ff:fffe"],
)
def test_ipv6_forms_embedding_ipv4_are_refused(host: str) -> None:
    with pytest.raises(FetchRefusedError) as info:
        fetch_image(f"http://[{host}]/x.jpg")
    assert info.value.reason == "blocked_address"


def test_public_ipv4_inside_6to4_is_not_mistaken_for_private() -> None:
    import ipaddress

    from narratrace.images.fetch import _blocked, embedded_ipv4

    six_to_four = ipaddress.ip_address("2002:808:808::1")
    assert [str(a) for a in embedded_ipv4(six_to_four)] == ["8.8.8.8"]
    assert _blocked(six_to_four, FetchPolicy()) is None
