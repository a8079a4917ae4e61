"""Start the app under gunicorn on loopback for tests that need a real server."""

from __future__ import annotations

import http.cookiejar
import http.server
import os
import shutil
import socket
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


@contextmanager
def serve(secret: str, workers: int = 1, threads: int = 1, **settings: str) -> Iterator[str]:
    """Run gunicorn with wsgi.py on a free loopback port; yield its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCREENER_", "FLASK_"))}
    env.update({"SCREENER_SECRET_KEY": secret, "SCREENER_SESSION_COOKIE_SECURE": "false"})
    env.update({f"SCREENER_{k}": v for k, v in settings.items()})
    # A file, not a pipe: a worker that fails to boot must not block the read of its message.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [*gunicorn(), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--threads", str(threads), "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(base + "/privacy", timeout=2).close()
                    break
                except (urllib.error.URLError, ConnectionError, OSError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        errors.seek(0)
                        raise RuntimeError(f"gunicorn did not start: {errors.read().decode()}") from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def neutral_site() -> Iterator[str]:
    """Serve a plain page on another origin (localhost, not 127.0.0.1): the exit site."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            body = b"<!doctype html><title>Weather</title><h1>Weather</h1>"
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
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
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

    def __init__(self, *bases: str) -> None:
        self.bases = list(bases)
        self.turn = 0
        self.served_by: list[str] = []
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
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
