"""Measure pages over HTTP against a bare Flask "hello" under the same gunicorn settings.

Run with `scripts/bench --http [seconds]`. Both servers start on loopback with
deploy/gunicorn.conf.py; wrk drives each page in turn, in the same run, and the table shows
requests/s, p50 and p99, and each page's requests/s as a share of the bare Flask figure. It
prints figures only: targets live in the README, not in timed tests.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from screener import answers, create_app, i18n, rules, security
from screener.bank import Bank

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS, WRK_THREADS = 20, 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(master: int) -> float | None:
    """Return the CPU time used so far by a gunicorn master's workers (Linux /proc), or None."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:  # ppid; utime and stime follow
                total += (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        return None
    return total


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """Start gunicorn with deploy/gunicorn.conf.py on a free loopback port; yield URL and pid."""
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--pythonpath",
            str(ROOT / "scripts"),
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None:
                    raise SystemExit(f"gunicorn {app} did not start") from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def heavy_answers(bank: Bank, audience: str) -> dict[str, Any]:
    """Answer every question with its weightiest option: most findings and areas fire."""
    raw: dict[str, Any] = {}
    for question in bank.questions.values():
        if question.type == "multi":
            raw[question.id] = tuple(o.value for o in question.options)
        else:
            raw[question.id] = "yes" if question.type == "yesno" else question.options[0].value
    return rules.relevant_answers(bank, raw, audience)


def cookies(secret: str) -> tuple[str, str, str]:
    """Return a question page's address and a returning visitor's session cookies (a finished
    heavy check, every interrupt gone past) in English and in Spanish, sent for every page."""
    app = create_app({"TESTING": True, "SECRET_KEY": secret, "SESSION_COOKIE_SECURE": False})
    bank: Bank = app.extensions["bank"]
    everything = heavy_answers(bank, "self")
    steps = rules.visible_sections(bank, everything, "self")
    middle = len(steps) // 2
    acknowledged = {f.id for f in bank.findings if f.level == "emergency"}
    made = []
    for language in ("en", "es"):
        client = app.test_client()
        with client.session_transaction() as session:
            answers.save(session, bank, answers.Saved("self", dict(everything), set(acknowledged)))
            session[answers.LANGUAGE] = i18n.LANGUAGES.index(language)
        # The answers' cookie reads only beside the id cookie it is bound to.
        names = (security.COOKIE_NAME, security.COOKIE_NAME + security.ID_COOKIE_SUFFIX)
        found = [client.get_cookie(name) for name in names]
        assert all(found), "the test client holds both session cookies"
        made.append("; ".join(f"{cookie.key}={cookie.value}" for cookie in found if cookie))
    number = [s.id for s in bank.sections].index(steps[middle][0].id) + 1  # the neutral address
    return f"/questions/{number}", made[0], made[1]


def check(url: str, cookie: str | None) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} did not answer 200 itself ({response.status} {response.url})")


def wrk(url: str, seconds: int, cookie: str | None) -> dict[str, float]:
    """Drive one URL with wrk; return requests/s, p50 and p99 (ms) and non-2xx responses."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            raise SystemExit(f"could not read wrk's {label} line:\n{out}")
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if not rate:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    return {
        "rps": float(rate[1]),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "requests": float(done[1]) if done else 0.0,
        "errors": (int(bad[1]) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def main(argv: list[str]) -> None:
    seconds = int(argv[0]) if argv else 8
    if shutil.which("wrk") is None:
        raise SystemExit("scripts/bench --http needs wrk: apt-get install wrk")
    secret = secrets.token_hex(32)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCREENER_", "FLASK_"))}
    env.update(SCREENER_SECRET_KEY=secret, SCREENER_SESSION_COOKIE_SECURE="false")
    # Every page as a returning visitor gets it: a page without a session is a lighter one
    # (no answers decoded, no progress) and not the one people see most.
    question, full, full_es = cookies(secret)
    pages = [
        ("bare Flask hello", None, None),
        ("start page", "/", full),
        ("question page", question, full),
        ("results (heavy)", "/results", full),
        ("results, Spanish", "/results", full_es),
    ]
    with ExitStack() as stack:
        hello, hello_pid = stack.enter_context(gunicorn("hello:app", env))
        app, app_pid = stack.enter_context(gunicorn("wsgi:app", env))
        workers = env.get("WORKERS") or os.cpu_count()
        threads = env.get("THREADS") or "16"
        print(
            f"gunicorn (deploy/gunicorn.conf.py): {workers} workers x {threads} threads, gthread; "
            f"wrk: {WRK_THREADS} threads x {CONNECTIONS} connections, {seconds} s per page; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before"
        )
        print(
            f"{'page':<20}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'x bare':>8}"
            f"{'CPU ms/req':>12}{'x bare':>8}{'errors':>8}"
        )
        bare: dict[str, float] = {}
        for name, path, cookie in pages:
            url = (hello + "/") if path is None else app + path
            pid = hello_pid if path is None else app_pid
            check(url, cookie)
            before = cpu_seconds(pid)
            figures = wrk(url, seconds, cookie)
            after = cpu_seconds(pid)
            # CPU time per request hardly changes when other programs share the machine;
            # requests/s and latency do.
            cpu = (
                (after - before) * 1000 / figures["requests"]
                if (before is not None and after is not None and figures["requests"])
                else float("nan")
            )
            figures["cpu"] = cpu
            bare = bare or figures
            print(
                f"{name:<20}{figures['rps']:>8.0f}{figures['p50']:>8.1f}{figures['p99']:>8.1f}"
                f"{figures['rps'] / bare['rps']:>8.2f}{cpu:>12.2f}{bare['cpu'] / cpu:>8.2f}"
                f"{figures['errors']:>8.0f}"
            )
        print(
            "x bare: requests/s as a share of bare Flask's; for CPU, bare Flask's CPU time per "
            "request over the page's (the share of bare Flask's rate on an idle machine)."
        )


if __name__ == "__main__":
    main(sys.argv[1:])
