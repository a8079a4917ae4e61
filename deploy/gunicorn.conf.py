"""gunicorn settings for screener: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Used by scripts/serve on one machine and by the systemd unit behind nginx. Environment
variables override the defaults: BIND, WORKERS, THREADS.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "127.0.0.1:8000")
# The work is CPU-bound Python: one process per core; threads keep a core busy while a
# response is written and stop a few idle or slow connections from holding the process.
workers = int(os.environ.get("WORKERS") or os.cpu_count() or 2)
worker_class = "gthread"
threads = int(os.environ.get("THREADS") or 16)
# Load the app (and check the question bank) once, before the workers fork.
preload_app = True
# A worker that stops answering its heartbeat is replaced; a stopping one gets time to finish.
timeout = 30
graceful_timeout = 20
# Idle kept-alive connections wait in the poller, not in a thread, and are closed after this.
keepalive = 5
# Small limits: no page needs a long request line or many headers.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# Access log: time, method, status, duration. No path (which pages a person reached follows
# from their answers: /now/3 is an emergency page), no query, no address, no cookie; the
# health check is left out. Nothing a visitor sends reaches it, so it cannot be forged either.
accesslog = "-"
access_log_format = '%(t)s "%(m)s" %(s)s %(M)sms'
errorlog = "-"


def when_ready(server: Any) -> None:
    """Compile templates and forms once in the master, so every forked worker starts warm."""
    app = server.app.wsgi()
    warm_up = getattr(sys.modules.get("screener"), "warm_up", None)
    if warm_up is not None and "bank" in getattr(app, "extensions", {}):
        warm_up(app)


class QuietLogger(Logger):
    """Logs that name no visitor and no page: no health checks, no address, no request line."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if environ.get("PATH_INFO") == "/healthz":
            return
        super().access(resp, req, environ, request_time)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        # gunicorn writes "Invalid request from ip=<address>: <the request line>".
        if isinstance(msg, str) and msg.startswith("Invalid request from"):
            msg, args = "Refused a malformed request (address and request line left out)", ()
        super().warning(msg, *args, **kwargs)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        # gunicorn adds the method and path ("Error handling request GET /now/3"); the
        # traceback is kept, the path is not.
        if isinstance(msg, str) and msg.startswith("Error handling request"):
            msg, args = "Error handling request (path left out)", ()
        super().exception(msg, *args, **kwargs)


logger_class = QuietLogger
# No control socket (gunicorn 27+): nothing here uses it, and several instances would share one.
control_socket_disable = True
