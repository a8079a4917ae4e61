"""Start the app under gunicorn on loopback for tests that need a real server."""

from __future__ import annotations

import http.cookiejar
import http.server
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn() -> list[str]:
    found = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "gunicorn"]


@dataclass
class Server:
    """A gunicorn started for a test: its base URL, process and access log."""

    base: str
    port: int
    process: subprocess.Popen[bytes]
    access_log: Path | None = None

    def kill(self) -> None:
        """Kill the whole server at once (master and workers), as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def requests_logged(self) -> int:
        assert self.access_log is not None
        return len(self.access_log.read_text(encoding="utf-8").splitlines())


def wait_until_up(
    url: str,
    process: subprocess.Popen[bytes],
    errors: Any,
    seconds: float = 30,
    context: ssl.SSLContext | None = None,
) -> None:
    """Wait for a page to answer; report the server's own message when it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2, context=context).close()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                errors.seek(0)
                raise RuntimeError(f"{url} did not start: {errors.read().decode()}") from None
            time.sleep(0.2)


def app_env(secret: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCREENER_", "FLASK_"))}
    env.update({"SCREENER_SECRET_KEY": secret, "SCREENER_SESSION_COOKIE_SECURE": "false"})
    env.update({f"SCREENER_{k}": v for k, v in settings.items()})
    return env


@contextmanager
def start(
    command: list[str],
    env: Mapping[str, str],
    port: int,
    access_log: Path | None = None,
    base: str | None = None,
    context: ssl.SSLContext | None = None,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    """Run a server command on loopback in its own process group; stop it afterwards."""
    # A file, not a pipe: a worker that fails to boot must not block the read of its message.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
        server = Server(base or f"http://127.0.0.1:{port}", port, process, access_log)
        try:
            wait_until_up(server.base + "/healthz", process, errors, context=context)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()


@contextmanager
def serve(secret: str, workers: int = 1, threads: int = 1, **settings: str) -> Iterator[str]:
    """Run gunicorn with wsgi.py on a free loopback port; yield its base URL."""
    port = free_port()
    command = [
        *gunicorn(),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    with start(command, app_env(secret, **settings), port) as server:
        yield server.base


@contextmanager
def deployed(secret: str, log_dir: Path, **settings: str) -> Iterator[Server]:
    """Run the app with deploy/gunicorn.conf.py on a free port, its access log in log_dir."""
    port = free_port()
    log = log_dir / f"access-{port}.log"
    log.touch()
    env = app_env(secret, **settings)
    env.update(BIND=f"127.0.0.1:{port}", WORKERS="1", THREADS="4")
    command = [
        *gunicorn(),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--access-logfile",
        str(log),
        "wsgi:app",
    ]
    with start(command, env, port, log) as server:
        yield server


@contextmanager
def slow_connections(
    port: int, count: int, seconds: float, context: ssl.SSLContext | None = None
) -> Iterator[list[threading.Thread]]:
    """Open `count` connections that send one request a byte at a time over `seconds`."""
    request = b"GET /privacy HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slow\r\nAccept: */*\r\n\r\n"
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def trickle() -> None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=seconds + 10)
        if context is not None:
            sock = context.wrap_socket(sock, server_hostname="localhost")
        sockets.append(sock)
        for byte in request:
            if stop.wait(seconds / len(request)):
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return

    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        # Let every connection be accepted and start its request.
        stop.wait(min(2.0, seconds / 4))
        yield threads
    finally:
        stop.set()
        for sock in list(sockets):
            sock.close()
        for thread in threads:
            thread.join(timeout=10)


@contextmanager
def neutral_site(body: bytes = b"<!doctype html><title>Weather</title><h1>Weather</h1>") -> Iterator[str]:
    """Serve a page on another origin (localhost, not 127.0.0.1): the exit site by default."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/weather"
    finally:
        server.shutdown()
        server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


class HttpResponse:
    """Just enough of Flask's test response for the Walker."""

    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.body = body
        location = headers.get("Location") or ""
        self.location = urllib.parse.urlsplit(location).path if location.startswith("http") else location

    def get_data(self, as_text: bool = False) -> Any:
        return self.body.decode() if as_text else self.body


class HttpClient:
    """A cookie-keeping HTTP client; each request goes to the next server in turn."""

    def __init__(self, *bases: str, context: ssl.SSLContext | None = None) -> None:
        self.bases = list(bases)
        self.turn = 0
        self.served_by: list[str] = []
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
            urllib.request.HTTPSHandler(context=context),
        )

    def _open(self, path: str, data: bytes | None = None) -> HttpResponse:
        base = self.bases[self.turn % len(self.bases)]
        self.turn += 1
        self.served_by.append(base)
        request = urllib.request.Request(base + path, data=data)
        try:
            with self.opener.open(request, timeout=30) as response:
                return HttpResponse(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, error.headers, error.read())

    def get(self, path: str) -> HttpResponse:
        return self._open(path)

    def post(self, path: str, data: Mapping[str, Any]) -> HttpResponse:
        pairs = [(k, x) for k, v in data.items() for x in (v if isinstance(v, list | tuple) else [v])]
        return self._open(path, urllib.parse.urlencode(pairs).encode())
