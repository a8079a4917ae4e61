"""Profile one kind of page in process: where a request's time goes (issue 26).

Run with `scripts/bench --profile PAGE [requests]`, PAGE one of those in PAGES. It builds the
app as gunicorn does (CSRF on, templates warmed), gives the test client a finished heavy check's
session (the one `scripts/bench --http` uses), times the page without a profiler (CPU time per
request, median and p95, beside a bare Flask "hello" through the same kind of test client), then
runs it again under cProfile and prints the functions that take the most
time, counting what they call (cumulative) and not counting it (own time).
"""

from __future__ import annotations

import cProfile
import pstats
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench_http import heavy_answers

from screener import answers, create_app, i18n, rules
from screener.bank import Bank

# page name -> (audience, language, which page: "start", "question" or "results")
PAGES: dict[str, tuple[str, str, str]] = {
    "start": ("self", "en", "start"),
    "start-es": ("self", "es", "start"),
    "question": ("self", "en", "question"),
    "question-es": ("self", "es", "question"),
    "results": ("self", "en", "results"),
    "results-es": ("self", "es", "results"),
    "results-counselor": ("counselor", "en", "results"),
    "results-counselor-es": ("counselor", "es", "results"),
}


def request_for(page: str) -> Callable[[], Any]:
    """Return a function that makes one request for the page, as a returning visitor would."""
    audience, language, kind = PAGES[page]
    app = create_app({"SECRET_KEY": secrets.token_hex(32), "SESSION_COOKIE_SECURE": False})
    bank: Bank = app.extensions["bank"]
    everything = heavy_answers(bank, audience)
    steps = rules.visible_sections(bank, everything, audience)
    middle = len(steps) // 2
    path = "/results"
    if kind == "question":
        path = f"/questions/{[s.id for s in bank.sections].index(steps[middle][0].id) + 1}"
    elif kind == "start":
        path = "/"
    acknowledged = {f.id for f in bank.findings if f.interrupts}
    client = app.test_client()
    with client.session_transaction() as session:
        answers.save(session, bank, answers.Saved(audience, dict(everything), acknowledged))
        session[answers.LANGUAGE] = i18n.LANGUAGES.index(language)

    def one() -> Any:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} {response.location}")
        return response

    return one


def bare_flask() -> Callable[[], Any]:
    """Return one request to the bare Flask "hello" through the same test client."""
    from hello import app  # scripts/hello.py, beside this file

    client = app.test_client()
    return lambda: client.get("/")


def timed(request: Callable[[], Any], count: int) -> list[float]:
    """Return the sorted CPU times of `count` requests, in ms, after 20 to warm up."""
    for _ in range(20):
        request()
    times = []
    for _ in range(count):
        start = time.process_time()
        request()
        times.append((time.process_time() - start) * 1000)
    return sorted(times)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in PAGES:
        raise SystemExit(f"usage: scripts/bench --profile PAGE [requests]; PAGE one of {', '.join(PAGES)}")
    page, count = argv[0], int(argv[1]) if len(argv) > 1 else 300
    one = request_for(page)
    size = len(one().get_data())
    hello = bare_flask()
    # CPU time of this process: it hardly changes when other programs share the machine.
    bare = timed(hello, count)
    mine = timed(one, count)
    median, hello_median = statistics.median(mine), statistics.median(bare)
    print(
        f"{page}: {count} requests in process, CPU per request: median {median:.2f} ms, "
        f"p95 {mine[int(len(mine) * 0.95)]:.2f} ms; bare Flask hello median {hello_median:.3f} ms, "
        f"so {hello_median / median:.3f}x bare; {size:,} bytes of HTML"
    )
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        one()
    profile.disable()
    stats = pstats.Stats(profile)
    stats.strip_dirs()
    print(f"\nunder cProfile ({count} requests), by cumulative time:")
    stats.sort_stats("cumulative").print_stats(30)
    print("by own time:")
    stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main(sys.argv[1:])
