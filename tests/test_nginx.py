"""The tested recipe: Debian's nginx with TLS in front of two app processes (deploy/).

Skipped with an install hint where nginx or openssl is missing; required in CI
(SCREENER_REQUIRE_BROWSER=1 or CI=true), like the browser tests.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import SECRET, Walker
from tests.servers import ROOT, HttpClient, Server, deployed, free_port, slow_connections, start

SITE = ROOT / "deploy" / "nginx" / "screener.conf"
INSTALL = "apt-get install nginx openssl"


def find(program: str) -> str | None:
    return shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")


def require(*programs: str) -> dict[str, str]:
    found = {name: find(name) for name in programs}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        message = f"nginx test: {', '.join(missing)} not found: run `{INSTALL}`"
        if os.environ.get("SCREENER_REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {name: path for name, path in found.items() if path}


def self_signed(openssl: str, folder: Path) -> tuple[Path, Path]:
    """Make a throwaway certificate for localhost."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def site_config(folder: Path, apps: list[Server], http: int, https: int, cert: Path, key: Path) -> str:
    """Return deploy/nginx/screener.conf with this test's ports, name and paths."""
    text = SITE.read_text(encoding="utf-8")
    changes = [
        ("127.0.0.1:8001", f"127.0.0.1:{apps[0].port}"),
        ("127.0.0.1:8002", f"127.0.0.1:{apps[1].port}"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http} default_server;"),
        ("listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{https} ssl default_server;"),
        ("/etc/letsencrypt/live/screener.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/screener.example.org/privkey.pem", str(key)),
        ("/var/log/nginx/screener.access.log", str(folder / "access.log")),
        ("/var/log/nginx/screener.error.log", str(folder / "site-error.log")),
        ("screener.example.org", "localhost"),
    ]
    for old, new in changes:
        assert old in text, f"{SITE.name} no longer has {old!r}: update this test with it"
        text = text.replace(old, new)
    # IPv6 may be off on a CI machine; the IPv4 listeners are enough here.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


@dataclass
class Front:
    base: str
    http_base: str
    apps: list[Server]
    context: ssl.SSLContext
    access_log: Path
    folder: Path

    def logs(self) -> str:
        """Every log nginx and the app processes wrote: access and error logs alike."""
        time.sleep(0.5)  # nginx writes a line just after the response
        files = [self.folder / name for name in ("access.log", "site-error.log", "error.log")]
        files += [app.access_log for app in self.apps if app.access_log is not None]
        return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    tools = require("nginx", "openssl")
    cert, key = self_signed(tools["openssl"], tmp_path)
    settings = {"SESSION_COOKIE_SECURE": "true", "HSTS": "true", "PROXIES": "1"}
    with ExitStack() as stack:
        apps = [stack.enter_context(deployed(SECRET, tmp_path, **settings)) for _ in range(2)]
        http, https = free_port(), free_port()
        (tmp_path / "screener.conf").write_text(
            site_config(tmp_path, apps, http, https, cert, key), encoding="utf-8"
        )
        temp = tmp_path / "temp"
        temp.mkdir()
        (tmp_path / "nginx.conf").write_text(
            f"""
daemon off;
# One process as the user running the test (no switch to www-data, no root needed).
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 512; }}
http {{
    # As Debian's nginx.conf has it: the site must turn compression off for pages itself.
    gzip on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/screener.conf;
}}
""",
            encoding="utf-8",
        )
        context = ssl.create_default_context(cafile=str(cert))
        base = f"https://localhost:{https}"
        stack.enter_context(
            start(
                [
                    tools["nginx"],
                    "-p",
                    str(tmp_path),
                    "-e",
                    str(tmp_path / "error.log"),
                    "-c",
                    str(tmp_path / "nginx.conf"),
                ],
                os.environ,
                https,
                base=base,
                context=context,
            )
        )
        yield Front(base, f"http://localhost:{http}", apps, context, tmp_path / "access.log", tmp_path)


def test_a_whole_check_over_https_survives_losing_one_app_process(front: Front) -> None:
    client = HttpClient(front.base, context=front.context)
    walk = Walker(client).answer_all("self", {})  # type: ignore[arg-type]
    first, second = front.apps
    for _ in range(4):
        next(walk)
    # nginx spread the first pages over both processes.
    assert first.requests_logged() > 0 and second.requests_logged() > 0
    cookie = next(c for c in client.jar if c.name == "__Host-screener")
    assert cookie.secure, "the session cookie must be Secure over HTTPS"
    first.kill()
    served_before = second.requests_logged()
    visited = list(walk)
    assert visited[-1] == "/check-answers"
    results = client.get("/results")
    assert results.status_code == 200
    assert "Your results" in results.get_data(as_text=True)
    assert "max-age=" in results.headers["Strict-Transport-Security"]
    # The rest of the walk, results included, came from the process still running.
    assert second.requests_logged() >= served_before + len(visited) + 1


def test_static_files_are_gzipped_and_pages_never_are(front: Front) -> None:
    # BREACH: a page holds the CSRF token and the person's answers, so it is sent as it is;
    # the stylesheet and scripts are the same for everyone and are compressed.
    client = HttpClient(front.base, context=front.context)
    walk = Walker(client).answer_all("self", {})  # type: ignore[arg-type]
    visited = list(walk)

    def fetch(path: str) -> tuple[str | None, bytes]:
        request = urllib.request.Request(front.base + path, headers={"Accept-Encoding": "gzip"})
        with client.opener.open(request, timeout=30) as response:
            assert response.status == 200, path
            return response.headers.get("Content-Encoding"), response.read()

    for path in ("/static/screener.css", "/static/screener.js"):
        encoding, body = fetch(path)
        assert encoding == "gzip", path
        assert gzip.decompress(body) == client.get(path).body, path
    pages = ["/", visited[0], visited[-1], "/results", "/privacy"]
    for path in pages:
        encoding, body = fetch(path)
        assert encoding is None, f"{path} was compressed: {encoding}"
        assert b"<html" in body, path
    assert b'name="csrf_token"' in fetch(visited[0])[1], "a question page carries the token"


def test_plain_http_is_sent_to_https(front: Front) -> None:
    client = HttpClient(front.http_base)
    response = client.get("/privacy?x=1")
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")
    assert response.headers["Location"].endswith("/privacy?x=1")


def test_health_checks_and_queries_stay_out_of_the_logs(front: Front) -> None:
    with urllib.request.urlopen(front.base + "/healthz", context=front.context) as health:
        assert health.status == 200 and health.read() == b"ok\n"
    with urllib.request.urlopen(front.base + "/privacy?note=private", context=front.context) as page:
        assert page.status == 200
    time.sleep(0.5)  # nginx writes a line just after the response
    logged = front.access_log.read_text(encoding="utf-8")
    assert '"GET" 200' in logged and "privacy" not in logged
    assert "healthz" not in logged and "private" not in logged and "127.0.0.1" not in logged
    for app in front.apps:
        assert app.access_log is not None
        app_log = app.access_log.read_text(encoding="utf-8")
        assert "healthz" not in app_log and "private" not in app_log


def test_no_log_names_a_page_a_person_reached_or_their_address(front: Front) -> None:
    # Thoughts of suicide in the past month: the walk passes an emergency page (/now/N), and
    # one app process dies early on, so nginx meets a refused connection on the way.
    client = HttpClient(front.base, context=front.context)
    walk = Walker(client).answer_all("self", {"suicide_thoughts_q": "past_month"})  # type: ignore[arg-type]
    visited = [next(walk)]
    front.apps[0].kill()
    visited += list(walk)
    assert any(url.startswith("/now/") for url in visited)
    for path in ("/results", "/privacy", "/nope%0a[fake]%20%22POST%20/now/3%22"):
        client.get(path)
    logged = front.logs()
    # No client address, no request line, no upstream address.
    assert "client:" not in logged and "request:" not in logged and "127.0.0.1" not in logged
    for word in ["/now/", "/questions/", "/results", "/check-answers", "privacy", "fake", *visited]:
        assert word not in logged, word
    assert logged.count('"GET" 200') >= len(visited) / 2, "the access logs still count requests"


def test_many_slow_clients_do_not_hold_the_app_behind_nginx(front: Front) -> None:
    # 64: four times what scripts/serve alone can absorb (README, "Deploying").
    with slow_connections(int(front.base.rsplit(":", 1)[1]), 64, 30.0, front.context) as slow:
        try:
            with urllib.request.urlopen(front.base + "/privacy", timeout=15, context=front.context) as page:
                assert page.status == 200
        except urllib.error.URLError as error:  # pragma: no cover - the failure this test is for
            pytest.fail(f"a normal request did not get through: {error}")
        assert sum(thread.is_alive() for thread in slow) == 64


def test_redirects_from_the_app_keep_https_and_the_port(front: Front) -> None:
    # SCREENER_PROXIES=1: the app builds its own redirects from nginx's X-Forwarded-* headers.
    response = HttpClient(front.base, context=front.context).get("/learn")
    assert response.status_code == 308
    # Relative, so the browser keeps https and the port it used; the Host is never echoed.
    assert response.headers["Location"] == "/learn/"


FLOOD = 600  # more than the test's nginx has connections (worker_connections 512)


def visitor_time(front: Front, address: str) -> tuple[int | None, float]:
    """Fetch /privacy from another loopback address (another client to nginx); status and time."""
    port = int(front.base.rsplit(":", 1)[1])
    began = time.monotonic()
    connection = http.client.HTTPSConnection(
        "localhost", port, timeout=5, context=front.context, source_address=(address, 0)
    )
    try:
        connection.request("GET", "/privacy", headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - began
    except OSError:
        return None, time.monotonic() - began
    finally:
        connection.close()


def test_one_client_s_slow_uploads_do_not_stop_anyone_else(front: Front) -> None:
    port = int(front.base.rsplit(":", 1)[1])
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    head = (
        b"POST /questions/1 HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 16000\r\n\r\na"
    )
    flood: list[ssl.SSLSocket] = []
    try:
        # One client (127.0.0.1) opens more uploads than nginx has connections, a byte each.
        for _ in range(FLOOD):
            try:
                sock = context.wrap_socket(
                    socket.create_connection(("127.0.0.1", port), timeout=2), server_hostname="localhost"
                )
                sock.sendall(head)
                flood.append(sock)
            except OSError:
                pass
        # A burst this fast can fill every connection until nginx drops the refused uploads
        # (lingering_time 2s). Meanwhile the client keeps its uploads going, a byte between tries,
        # and another address must be answered within a few seconds (not after the 30 s a
        # refused upload is otherwise read for).
        flooded = time.monotonic()
        status: int | None = None
        while status != 200 and time.monotonic() - flooded < 8:
            for sock in flood:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")
            status, _ = visitor_time(front, "127.0.0.2")
            if status != 200:
                time.sleep(0.5)
        waited = time.monotonic() - flooded
        assert status == 200, (
            f"another visitor got no page in {waited:.1f} s while one client held {len(flood)} uploads"
        )
        assert waited < 5, waited
    finally:
        for sock in flood:
            sock.close()


def test_one_client_gets_a_clear_page_past_its_limit(front: Front) -> None:
    client = HttpClient(front.base, context=front.context)
    statuses = [client.get("/healthz").status_code for _ in range(150)]
    assert 429 in statuses and statuses[0] == 200
    busy = client.get("/privacy")
    assert busy.status_code == 429
    page = busy.get_data(as_text=True)
    assert "Please wait a few seconds" in page and "988" in page and "911" in page
    assert (
        busy.headers["Cache-Control"] == "no-store"
        and "default-src 'none'" in busy.headers["Content-Security-Policy"]
    )
    assert "nginx" not in page and "nginx/" not in busy.headers.get("Server", "")  # no version
    # Someone else is not affected.
    assert visitor_time(front, "127.0.0.3")[0] == 200


def handshake(front: Front, ciphers: str) -> ssl.SSLSocket:
    """Open a TLS 1.2 connection to the recipe offering only `ciphers`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(ciphers)
    port = int(front.base.rsplit(":", 1)[1])
    return context.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="localhost"
    )


@pytest.mark.parametrize(
    "cipher", ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256"]
)
def test_tls_refuses_suites_outside_mozilla_intermediate(front: Front, cipher: str) -> None:
    with pytest.raises(ssl.SSLError):
        handshake(front, cipher).close()


def test_tls_gives_forward_secret_aead_suites_and_no_session_tickets(front: Front) -> None:
    with handshake(front, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305") as sock:
        assert sock.cipher()[0] in {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"}
        assert sock.session is not None and not sock.session.has_ticket


@pytest.mark.parametrize("what", ["a big body", "a big cookie", "a long address"])
def test_nginx_s_own_refusals_carry_the_headers_and_a_plain_page(front: Front, what: str) -> None:
    port = int(front.base.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection("localhost", port, timeout=10, context=front.context)
    if what == "a big body":
        connection.request("POST", "/", body=b"a" * 17_000, headers={"Content-Type": "text/plain"})
    elif what == "a long address":
        connection.request("GET", "/?" + "a" * 5_000)  # gunicorn's bare 414 passed through before
    else:
        connection.request("GET", "/", headers={"Cookie": "x=" + "a" * 9_000})
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    assert response.status == {"a big body": 413, "a long address": 414}.get(what, 400)
    if what == "a long address":  # nginx's own plain page: no version, no cookie
        assert "nginx/" not in page and "Set-Cookie" not in response.headers
        return
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Frame-Options"] == "DENY"
    assert "nothing was saved" in page and "988" in page and "nginx" not in page


def test_other_host_names_get_no_answer_and_no_certificate(front: Front) -> None:
    port = int(front.http_base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/privacy?x=1", headers={"Host": "evil.example"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.getresponse()  # closed, not redirected to https://evil.example
    connection.close()
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    https = int(front.base.rsplit(":", 1)[1])
    with pytest.raises(ssl.SSLError):
        context.wrap_socket(
            socket.create_connection(("127.0.0.1", https), timeout=5), server_hostname="evil.example"
        )
    # The site's own name still works, over both.
    assert HttpClient(front.http_base).get("/privacy").headers["Location"].startswith("https://localhost/")
