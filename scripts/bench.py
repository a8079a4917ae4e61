"""Print the in-process figures: bank load, rule evaluation, answer encoding, cookie size, memory.

Run with scripts/bench. It prints figures and sets no pass/fail line: targets live here, not in
timed tests that would fail on a slow machine.
"""

from __future__ import annotations

import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench_http import heavy_answers

from screener import answers, create_app
from screener.bank import AUDIENCES, Bank, load
from screener.rules import evaluate


def per_call(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the median and 95th percentile time of one call, in microseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def random_answers(bank: Bank, audience: str, rng: random.Random) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for question in bank.questions.values():
        if audience not in question.audiences:
            continue
        values = [o.value for o in question.options]
        if question.type == "multi":
            result[question.id] = tuple(rng.sample(values, rng.randint(1, len(values))))
        else:
            result[question.id] = rng.choice(values)
    return result


def main() -> None:
    rng = random.Random(1)
    tracemalloc.start()
    median, p95 = per_call(load, 20)
    bank = load()
    _, bank_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"bank load and check:      median {median / 1000:7.1f} ms   p95 {p95 / 1000:7.1f} ms   "
        f"peak memory {bank_peak / 1024:7.0f} KiB"
    )
    for audience in AUDIENCES:
        sets = [random_answers(bank, audience, rng) for _ in range(200)]
        cycle = iter(sets * 10)
        median, p95 = per_call(lambda c=cycle, a=audience: evaluate(bank, next(c), a), 2000)
        print(f"evaluate, {audience:<9}:     median {median:7.0f} µs   p95 {p95:7.0f} µs")
    for audience in AUDIENCES:
        heaviest = heavy_answers(bank, audience)
        median, p95 = per_call(lambda h=heaviest, a=audience: evaluate(bank, h, a), 2000)
        print(
            f"heaviest, {audience:<9}:     median {median:7.0f} µs   p95 {p95:7.0f} µs   "
            f"{len(evaluate(bank, heaviest, audience).findings)} findings"
        )
    everything = {
        q.id: (tuple(o.value for o in q.options) if q.type == "multi" else q.options[-1].value)
        for q in bank.questions.values()
    }
    text = answers.encode(bank, everything)
    median, p95 = per_call(lambda: answers.decode(bank, text), 2000)
    print(
        f"decode every answer:      median {median:7.0f} µs   p95 {p95:7.0f} µs   "
        f"encoded length {len(text)} characters"
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-" + "x" * 40,
            "SESSION_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post("/", data={"audience": "self"})
    with client.session_transaction() as session:
        answers.save(session, bank, answers.Saved("self", everything, {f.id for f in bank.findings}))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    size = len(cookie.key) + 1 + len(cookie.value) if cookie else 0
    print(f"largest session cookie:   {size} bytes (browsers allow 4096)")
    median, p95 = per_call(lambda: client.get("/results"), 200)
    print(f"GET /results in-process:  median {median / 1000:7.1f} ms   p95 {p95 / 1000:7.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process peak memory:      {rss / 1024:.0f} MiB (this whole benchmark, app included)")


if __name__ == "__main__":
    main()
