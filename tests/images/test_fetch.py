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
