"""scripts/serve on this machine: slow clients do not stop it (up to a point; see README)."""

from __future__ import annotations

import urllib.request

from tests.helpers import SECRET
from tests.servers import ROOT, app_env, free_port, slow_connections, start

SLOW = 16
HOLD_SECONDS = 30.0


def test_sixteen_slow_clients_do_not_hold_scripts_serve() -> None:
    port = free_port()
    env = app_env(SECRET)
    del env["SCREENER_SESSION_COOKIE_SECURE"]  # scripts/serve sets it
    for name in ("HOST", "BIND", "WORKERS", "THREADS"):
        env.pop(name, None)  # scripts/serve's own defaults
    env.update(SCREENER_NO_SETUP="1", PORT=str(port))
    with start([str(ROOT / "scripts" / "serve")], env, port) as server:
        with slow_connections(port, SLOW, HOLD_SECONDS) as slow:
            page = urllib.request.urlopen(server.base + "/privacy", timeout=HOLD_SECONDS / 2)
            assert page.status == 200
            # It answered while every slow client was still sending: none of them held it.
            assert sum(thread.is_alive() for thread in slow) == SLOW
